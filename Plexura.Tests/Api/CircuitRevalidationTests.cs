using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Identity;
using Plexura.Tests.Web;
using Plexura.Web.Security.Authentication;

namespace Plexura.Tests.Api;

/// <summary>What an open page's periodic check decides, on the app's real services.</summary>
public sealed class CircuitRevalidationTests(CircuitRevalidationTests.Factory factory) : IClassFixture<CircuitRevalidationTests.Factory>
{
    [Fact]
    public async Task Revalidation_ActiveSession_StaysSignedInAndRevokedSessionDoesNot()
    {
        var (email, _) = await IdentityArrange.SignUpAsync(factory.Services);
        var token = await TokenAsync(email);
        await using var scope = factory.Services.CreateAsyncScope();
        var claims = (await scope.ServiceProvider.GetRequiredService<ITokenService>().ValidateAsync(token, CancellationToken.None)).Claims!;
        var principal = PlexuraPrincipal.From(claims);
        var provider = (SessionRevalidatingAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();

        var before = await provider.IsStillSignedInAsync(principal, CancellationToken.None);
        var sessions = scope.ServiceProvider.GetRequiredService<ISessionRepository>();
        var session = (await sessions.GetAsync(claims.Subject.SessionId, CancellationToken.None))!;
        await sessions.RevokeAsync(session, SessionRevocationReason.SignedOutEverywhere, DateTimeOffset.UtcNow, CancellationToken.None);
        var after = await provider.IsStillSignedInAsync(principal, CancellationToken.None);

        Assert.True(before);
        Assert.False(after);
    }

    [Fact]
    public async Task Revalidation_ExpiredTokenOrAnonymous_IsNotSignedIn()
    {
        var (email, _) = await IdentityArrange.SignUpAsync(factory.Services);
        await using var scope = factory.Services.CreateAsyncScope();
        var claims = (await scope.ServiceProvider.GetRequiredService<ITokenService>().ValidateAsync(await TokenAsync(email), CancellationToken.None)).Claims!;
        var expired = PlexuraPrincipal.From(claims with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) });
        var provider = (SessionRevalidatingAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();

        Assert.False(await provider.IsStillSignedInAsync(expired, CancellationToken.None));
        Assert.False(await provider.IsStillSignedInAsync(new ClaimsPrincipal(new ClaimsIdentity()), CancellationToken.None));
    }

    [Fact]
    public async Task Revalidation_CircuitEndsDuringTheCheck_ThrowsTheCancellationTheBaseLoopEndsQuietlyOn()
    {
        var (email, _) = await IdentityArrange.SignUpAsync(factory.Services);
        await using var scope = factory.Services.CreateAsyncScope();
        var claims = (await scope.ServiceProvider.GetRequiredService<ITokenService>().ValidateAsync(await TokenAsync(email), CancellationToken.None)).Claims!;
        var provider = (SessionRevalidatingAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        using var circuitEnded = new CancellationTokenSource();
        await circuitEnded.CancelAsync();

        var thrown = await Assert.ThrowsAsync<TaskCanceledException>(() => provider.IsStillSignedInAsync(PlexuraPrincipal.From(claims), circuitEnded.Token));

        // RevalidatingServerAuthenticationStateProvider logs "unhandled exception" unless the token is its own.
        Assert.Equal(circuitEnded.Token, thrown.CancellationToken);
    }

    private async Task<string> TokenAsync(string email)
    {
        var response = await factory.CreateClient().PostAsJsonAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new { email, password = IdentityArrange.Password });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    public sealed class Factory : PlexuraWebFactory
    {
        public Factory() => Settings["Plexura:Auth:BcryptWorkFactor"] = "10";
    }
}
