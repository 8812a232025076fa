using Microsoft.Playwright;

namespace Plexura.Tests.Browser;

/// <summary>Page object for the account flows a person clicks through: sign-up, sign-in, outbox, sign-out.</summary>
public sealed class AccountPages(IPage page, Uri baseAddress)
{
    public IPage Page => page;

    public ILocator VerifyBanner => page.Locator("#verify-email-banner");

    public ILocator FormError => page.Locator("#form-error");

    public ILocator FormInfo => page.Locator("#form-info");

    public ILocator AccountLink => page.Locator("#account-link");

    public Task GotoAsync(string path) =>
        page.GotoAsync(new Uri(baseAddress, path).ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });

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
    }

    /// <summary>Signs out from the app bar; waits until the circuit is interactive so the button is live.</summary>
    public async Task SignOutAsync()
    {
        await page.ClickAsync("#sign-out");
        await page.WaitForURLAsync("**/account/sign-in?reason=signed-out");
    }
}
