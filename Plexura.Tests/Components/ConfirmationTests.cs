using Bunit;
using Microsoft.AspNetCore.Components;
using Plexura.Core.Consent;
using Plexura.Core.Identity;
using Plexura.Web.Components.Pages.Account;
using Plexura.Web.Components.Pages.Clients;
using Plexura.Web.Security.Authentication;

namespace Plexura.Tests.Components;

/// <summary>What cannot be undone asks first, says what will happen, and Cancel changes nothing.</summary>
public sealed class ConfirmationTests : ClientPagesTestBase
{
    [Fact]
    public async Task RevokeConsent_Asked_DescribesTheConsequenceAndCancelKeepsItActive()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));
        cut.WaitForElement("#consent-record").Click();
        cut.WaitForElement("#consent-list .consent-revoke").Click();

        var question = cut.WaitForElement("#consent-revoke-confirm").TextContent;
        cut.Find("#consent-revoke-cancel").Click();

        Assert.Contains("can no longer be recorded", question, StringComparison.Ordinal);
        Assert.Contains("cannot be undone", question, StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#consent-revoke-confirm")));
        Assert.Equal("Active", cut.Find("#consent-list .consent-state").GetAttribute("data-state"));
        var stored = Assert.Single(await Get<IClientConsentRepository>().ListForClientAsync(Get<CurrentUser>().PracticeId!.Value, id, Ct));
        Assert.False(stored.IsRevoked);
    }

    [Fact]
    public async Task RevokeConsent_Confirmed_RevokesIt()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));
        cut.WaitForElement("#consent-record").Click();
        cut.WaitForElement("#consent-list .consent-revoke").Click();

        cut.WaitForElement("#consent-revoke-yes").Click();

        cut.WaitForAssertion(() => Assert.Equal("Revoked", cut.Find("#consent-list .consent-state").GetAttribute("data-state")));
        Assert.Empty(cut.FindAll("#consent-revoke-confirm"));
    }

    [Fact]
    public async Task SignOutEverywhere_Asked_DescribesTheConsequenceAndCancelEndsNoSession()
    {
        await SignInVerifiedOwnerAsync();
        var cut = Context.Render<AccountSettings>();
        cut.WaitForElement("#sign-out-everywhere").Click();

        var question = cut.WaitForElement("#sign-out-everywhere-confirm").TextContent;
        cut.Find("#sign-out-everywhere-cancel").Click();

        Assert.Contains("Every browser and app signed in to your account, this one included", question, StringComparison.Ordinal);
        cut.WaitForElement("#sign-out-everywhere");
        var session = await Get<ISessionRepository>().GetAsync(Get<CurrentUser>().SessionId, Ct);
        Assert.Null(session!.RevokedAt);
        Assert.DoesNotContain("signed-out", Get<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOutEverywhere_Confirmed_EndsTheSessionAndLeavesForSignIn()
    {
        await SignInVerifiedOwnerAsync();
        var cut = Context.Render<AccountSettings>();
        cut.WaitForElement("#sign-out-everywhere").Click();

        cut.WaitForElement("#sign-out-everywhere-yes").Click();

        cut.WaitForAssertion(() => Assert.Contains("reason=signed-out", Get<NavigationManager>().Uri, StringComparison.Ordinal));
        var session = await Get<ISessionRepository>().GetAsync(Get<CurrentUser>().SessionId, Ct);
        Assert.NotNull(session!.RevokedAt);
    }
}
