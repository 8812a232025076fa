using AngleSharp.Dom;
using Bunit;
using OtpNet;
using Plexura.Core.Users;
using Plexura.Web.Components.Pages.Account;

namespace Plexura.Tests.Components;

/// <summary>The account page's forms, on the real use cases.</summary>
public sealed class AccountSettingsTests : AppComponentTestBase
{
    [Fact]
    public async Task MfaSetup_RightCode_TurnsItOnAndShowsTenRecoveryCodesOnce()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        var cut = Context.Render<AccountSettings>();
        cut.WaitForElement("#mfa-begin").Click();
        var secret = cut.WaitForElement("#totp-secret").TextContent.Trim();

        Input(cut, "#mfa-code").Input(new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(Time.GetUtcNow().UtcDateTime));
        cut.Find("#mfa-confirm").Click();

        cut.WaitForAssertion(() => Assert.Equal(10, cut.FindAll("#recovery-codes li").Count));
        var user = await Get<IUserRepository>().GetAsync(signUp.UserId, Ct);
        Assert.True(user!.HasMfa);
        Assert.DoesNotContain(secret, user.TotpSecret, StringComparison.Ordinal);
        cut.Find("#recovery-codes-saved").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#recovery-codes")));
    }

    [Fact]
    public async Task MfaSetup_WrongCode_SaysSoAndLeavesItOff()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        var cut = Context.Render<AccountSettings>();
        cut.WaitForElement("#mfa-begin").Click();
        cut.WaitForElement("#totp-secret");

        Input(cut, "#mfa-code").Input("000000");
        cut.Find("#mfa-confirm").Click();

        cut.WaitForAssertion(() => Assert.False(string.IsNullOrWhiteSpace(cut.Find("#mfa-error").TextContent)));
        Assert.False((await Get<IUserRepository>().GetAsync(signUp.UserId, Ct))!.HasMfa);
    }

    [Fact]
    public async Task ChangePassword_WeakNewPassword_NamesTheRuleAndKeepsTheOldOne()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        var before = (await Get<IUserRepository>().GetAsync(signUp.UserId, Ct))!.PasswordHash;
        var cut = Context.Render<AccountSettings>();
        cut.WaitForElement("#change-password");

        Input(cut, "#current-password").Input(Password);
        Input(cut, "#new-password").Input("short");
        cut.Find("#change-password").Click();

        cut.WaitForAssertion(() => Assert.Contains("at least 12", cut.Find("#password-error").TextContent, StringComparison.Ordinal));
        Assert.Equal(before, (await Get<IUserRepository>().GetAsync(signUp.UserId, Ct))!.PasswordHash);
    }

    [Fact]
    public async Task Sessions_TwoSignIns_ListsBothAndMarksThisOne()
    {
        var (_, email) = await SignInNewOwnerAsync();
        await Get<Core.Identity.SignIn.SignInHandler>().HandleAsync(new(email, Password), Core.Identity.ClientInfo.Unknown, Ct);

        var cut = Context.Render<AccountSettings>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("#sessions-table tbody tr").Count));
        Assert.Contains("this browser", cut.Find("#sessions-table").TextContent, StringComparison.Ordinal);
    }

    /// <summary>The input of a MudTextField, whether the id lands on the input or on its wrapper.</summary>
    private static IElement Input(IRenderedComponent<AccountSettings> cut, string selector)
    {
        var element = cut.Find(selector);
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }
}
