using Bunit;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Memberships;
using Plexura.Web.Components.Layout;
using Plexura.Web.Components.Pages.Clients;
using Plexura.Web.Components.Pages.Practice;
using Plexura.Web.Components.Shared;

namespace Plexura.Tests.Components;

/// <summary>Codes and user-agent strings become words people read: "Wrong password", "Chrome on macOS", "an owner".</summary>
public sealed class PlainWordsTests : ClientPagesTestBase
{
    [Theory]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on macOS")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Windows")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iOS")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", "Chrome on iOS")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0", "Opera on Windows")]
    [InlineData("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on ChromeOS")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Chrome on Linux")]
    [InlineData("curl/8.5.0", DeviceNames.Unknown)]
    [InlineData("", DeviceNames.Unknown)]
    [InlineData(null, DeviceNames.Unknown)]
    public void DeviceNames_UserAgent_BecomesBrowserOnSystem(string? userAgent, string expected) =>
        Assert.Equal(expected, DeviceNames.Describe(userAgent));

    [Theory]
    [InlineData("wrong-password", "Wrong password")]
    [InlineData("locked", "Tried while the account was locked")]
    [InlineData("mfa-code", "Wrong two-step code")]
    [InlineData("mfa-challenge-expired", "Two-step code entered too late")]
    [InlineData("something-new", "Other reason")]
    [InlineData(null, "Not recorded")]
    public void SignInFailure_ReasonCode_BecomesWords(string? code, string expected) =>
        Assert.Equal(expected, PlainWords.SignInFailure(code));

    [Theory]
    [InlineData(PracticeRole.Owner, "an owner")]
    [InlineData(PracticeRole.Admin, "an admin")]
    [InlineData(PracticeRole.Clinician, "a clinician")]
    [InlineData(PracticeRole.Compliance, "a compliance officer")]
    public void WithArticle_Role_UsesTheRightArticle(PracticeRole role, string expected) =>
        Assert.Equal(expected, PlainWords.WithArticle(role));

    [Fact]
    public async Task MembersPage_WrongPasswordAttempt_ShowsTheReasonInWords()
    {
        var (_, _, email) = await SignInVerifiedOwnerAsync(withMfa: true);
        await Get<SignInHandler>().HandleAsync(new SignInCommand(email, "Not-The-Password-1!"), ClientInfo.Unknown, Ct);

        var cut = Context.Render<Members>();

        cut.WaitForAssertion(() => Assert.Equal("Wrong password", cut.Find("#failed-sign-ins .failed-sign-in-reason").TextContent.Trim()));
        Assert.DoesNotContain("wrong-password", cut.Find("#failed-sign-ins").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MembersPage_InviteRole_IsExplainedWhereItIsChosen()
    {
        await SignInVerifiedOwnerAsync(withMfa: true);

        var cut = Context.Render<Members>();

        cut.WaitForElement("#invite-submit");
        Assert.Contains(PlainWords.RoleExplanation(PracticeRole.Clinician), cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientFlags_EditForm_NamePlainWordsWithTheReferenceAsHelp()
    {
        await SignInVerifiedOwnerAsync();

        var cut = Context.Render<ClientList>();
        cut.WaitForElement("#new-client").Click();

        cut.WaitForAssertion(() => Assert.Contains("the client asked that this record not be shared", cut.Markup, StringComparison.Ordinal));
        Assert.Contains("§ 164.522", cut.Find("#client-flags-restricted-help").TextContent, StringComparison.Ordinal);
        Assert.Contains("42 CFR Part 2", cut.Find("#client-flags-part2-help").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsentForm_RadioGroups_AreLabelled()
    {
        await SignInVerifiedOwnerAsync();
        var id = await CreateClientAsync(Dana);

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, id.ToString()));
        cut.WaitForElement("#consent-record");

        foreach (var group in cut.FindAll("[role=radiogroup]"))
        {
            var labelId = group.GetAttribute("aria-labelledby");
            Assert.False(string.IsNullOrEmpty(labelId), group.OuterHtml);
            Assert.False(string.IsNullOrWhiteSpace(cut.Find($"#{labelId}").TextContent));
        }

        Assert.Equal(2, cut.FindAll("[role=radiogroup]").Count);
    }

    [Fact]
    public void NavMenu_OutsideDevelopment_HidesTheOutboxLink()
    {
        var cut = Context.Render<NavMenu>();

        Assert.Empty(cut.FindAll("#nav-outbox"));
    }
}
