using Microsoft.Playwright;
using Plexura.Tests.Web;

namespace Plexura.Tests.Browser;

/// <summary>The identity flows in Chromium, on real Kestrel in Development (so the outbox page exists).</summary>
public sealed class IdentityBrowserTests(IdentityBrowserTests.Fixture fixture) : IClassFixture<IdentityBrowserTests.Fixture>
{
    private const string Password = "Violet-Harbor-73!";

    [Fact]
    public async Task Owner_SignsUpVerifiesSignsOutAndBackIn()
    {
        await using var context = await fixture.Browser.NewContextAsync();
        var pages = new AccountPages(await context.NewPageAsync(), fixture.BaseAddress);
        var email = $"owner-{Guid.NewGuid():N}@example.com";

        await pages.SignUpAsync("Riverbend Counseling", "Dana Reyes", email, Password);
        await Assertions.Expect(pages.VerifyBanner).ToBeVisibleAsync();
        await Assertions.Expect(pages.AccountLink).ToContainTextAsync(email);

        await pages.FollowEmailLinkAsync(email, "email-verification");
        await pages.Page.ClickAsync("#verify-email-submit");
        await Assertions.Expect(pages.FormInfo).ToContainTextAsync("verified");

        await pages.GotoAsync("/");
        await Assertions.Expect(pages.AccountLink).ToContainTextAsync(email);
        await Assertions.Expect(pages.VerifyBanner).ToHaveCountAsync(0);
        await pages.SignOutAsync();
        await Assertions.Expect(pages.FormInfo).ToContainTextAsync("signed out");

        await pages.SignInAsync(email, "Wrong-Password-99!");
        await Assertions.Expect(pages.FormError).ToContainTextAsync("not correct");
        await pages.SignInAsync(email, Password);
        await Assertions.Expect(pages.AccountLink).ToContainTextAsync(email);
    }

    public sealed class Fixture : BrowserFixture
    {
        protected override PlexuraWebFactory CreateFactory()
        {
            var factory = new PlexuraWebFactory { EnvironmentName = "Development" };
            factory.Settings["Plexura:Auth:BcryptWorkFactor"] = "10";
            factory.Settings["Plexura:RateLimits:SignInPerMinute"] = "1000";
            factory.Settings["Plexura:RateLimits:SignUpPerHour"] = "1000";
            return factory;
        }
    }
}
