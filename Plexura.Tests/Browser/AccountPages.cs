using Microsoft.Playwright;
using Plexura.Tests.Web;

namespace Plexura.Tests.Browser;

/// <summary>Page object for the account flows a person clicks through: sign-up, sign-in, outbox, sign-out.</summary>
public sealed class AccountPages(IPage page, Uri baseAddress)
{
    public IPage Page => page;

    public ILocator VerifyBanner => page.Locator("#verify-email-banner");

    public ILocator FormError => page.Locator("#form-error");

    public ILocator FormInfo => page.Locator("#form-info");

    public ILocator AccountLink => page.Locator("#account-link");

    /// <summary>Opens <paramref name="path"/> and runs the page gate on it.</summary>
    public async Task GotoAsync(string path)
    {
        await page.GotoAsync(new Uri(baseAddress, path).ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
        await PageGate.CheckAsync(page);
    }

    public async Task SignUpAsync(string practice, string name, string email, string password)
    {
        await GotoAsync("/account/sign-up");
        await page.FillAsync("#practice-name", practice);
        await page.FillAsync("#owner-name", name);
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-up-submit");
    }

    public async Task SignInAsync(string email, string password)
    {
        await GotoAsync("/account/sign-in");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in-submit");
    }

    /// <summary>Follows the newest link of <paramref name="kind"/> mailed to <paramref name="email"/>, from the development outbox.</summary>
    public async Task FollowEmailLinkAsync(string email, string kind)
    {
        await GotoAsync("/dev/outbox");
        var link = page.Locator($".outbox-message[data-to='{email}'][data-kind='{kind}'] a.outbox-link").First;
        var href = await link.GetAttributeAsync("href") ?? throw new InvalidOperationException("No link in the email.");
        await page.GotoAsync(new Uri(baseAddress, new Uri(href).PathAndQuery).ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
        await PageGate.CheckAsync(page);
    }

    /// <summary>Turns on two-step sign-in from the account page; returns the authenticator secret and the recovery codes shown.</summary>
    public async Task<(string Secret, IReadOnlyList<string> RecoveryCodes)> EnrollMfaAsync(Func<string, string> codeFor)
    {
        await GotoAsync("/account");
        await page.ClickAsync("#mfa-begin");
        var secret = (await page.Locator("#totp-secret").InnerTextAsync()).Trim();
        await PageGate.CheckAsync(page);
        await page.Locator("#mfa-code").FillAsync(codeFor(secret));
        await page.ClickAsync("#mfa-confirm");
        await Assertions.Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        var codes = await page.Locator("#recovery-codes li").AllInnerTextsAsync();
        await PageGate.CheckAsync(page);
        return (secret, codes);
    }

    /// <summary>
    /// Signs <paramref name="member"/> in with the arranged password and one of their unused recovery codes, then waits
    /// for the signed-in shell and runs the page gate on it.
    /// </summary>
    public async Task SignInWithRecoveryCodeAsync(ArrangedMember member)
    {
        Assert.True(member.RecoveryCodes.TryDequeue(out var recoveryCode), "the member has an unused recovery code");
        await SignInAsync(member.Email, IdentityArrange.Password);
        await EnterSecondFactorAsync(recoveryCode);
        await Assertions.Expect(AccountLink).ToBeVisibleAsync();
        await PageGate.CheckAsync(page);
    }

    /// <summary>Enters the second factor on the sign-in page after a right password.</summary>
    public async Task EnterSecondFactorAsync(string code)
    {
        await page.FillAsync("#code", code);
        await page.ClickAsync("#mfa-submit");
    }

    /// <summary>Invites <paramref name="email"/> as a clinician from the members page.</summary>
    public async Task InviteClinicianAsync(string email)
    {
        await GotoAsync("/practice/members");
        await page.Locator("#invite-email").FillAsync(email);
        await page.ClickAsync("#invite-submit");
        await Assertions.Expect(page.Locator("#invitations-table")).ToContainTextAsync(email);
        await PageGate.CheckAsync(page);
    }

    /// <summary>Signs out from the app bar; waits until the circuit is interactive so the button is live.</summary>
    public async Task SignOutAsync()
    {
        await page.ClickAsync("#sign-out");
        await page.WaitForURLAsync("**/account/sign-in?reason=signed-out");
        await PageGate.CheckAsync(page);
    }
}
