using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Web.Components.Shared;
using Plexura.Web.Security.Authentication;

namespace Plexura.Tests.Components;

public sealed class SessionWatcherTests : MudComponentTestBase
{
    [Fact]
    public void SessionWatcher_FiveMinutesBeforeExpiry_WarnsAndAtExpiryLeavesForSignIn()
    {
        Authorization.SetAuthorized("dana@example.com");
        SignIn(expiresAt: Time.GetUtcNow().AddMinutes(12));
        var navigation = Context.Services.GetRequiredService<NavigationManager>();
        var cut = Context.Render<SessionWatcher>();
        Assert.Empty(cut.FindAll("#session-expiry-warning"));

        Time.Advance(TimeSpan.FromMinutes(7));

        cut.WaitForAssertion(() => Assert.Contains("less than 5 minutes", cut.Find("#session-expiry-warning").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("sign-in", navigation.Uri, StringComparison.Ordinal);

        Time.Advance(TimeSpan.FromMinutes(5));

        cut.WaitForAssertion(() => Assert.EndsWith(SessionWatcher.ExpiredPath, navigation.Uri, StringComparison.Ordinal));
    }

    [Fact]
    public void SessionWatcher_OpenedInsideTheLastFiveMinutes_WarnsAtOnce()
    {
        Authorization.SetAuthorized("dana@example.com");
        SignIn(expiresAt: Time.GetUtcNow().AddMinutes(3));

        var cut = Context.Render<SessionWatcher>();

        Assert.NotNull(cut.Find("#session-expiry-warning"));
    }

    [Fact]
    public void SessionWatcher_SignInRevokedElsewhere_LeavesForSignIn()
    {
        Authorization.SetAuthorized("dana@example.com");
        SignIn(expiresAt: Time.GetUtcNow().AddMinutes(100));
        var navigation = Context.Services.GetRequiredService<NavigationManager>();
        Context.Render<SessionWatcher>();

        // What the revalidating provider does when it finds the session revoked: the circuit turns anonymous.
        Authorization.SetNotAuthorized();

        Assert.EndsWith(SessionWatcher.ExpiredPath, navigation.Uri, StringComparison.Ordinal);
    }

    private void SignIn(DateTimeOffset expiresAt)
    {
        var subject = new TokenSubject(UserId.New(), "dana@example.com", SessionId.New(), PracticeId.New(), PracticeRole.Owner);
        var claims = new TokenClaims(subject, "jti", expiresAt - ITokenService.Lifetime, expiresAt);
        Context.Services.GetRequiredService<CurrentUser>().Set(PlexuraPrincipal.From(claims));
    }
}
