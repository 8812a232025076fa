using Microsoft.Playwright;
using Plexura.Tests.Web;

namespace Plexura.Tests.Browser;

/// <summary>A new owner follows the home page's checklist to the end, in Chromium on real Kestrel (Development: the outbox).</summary>
public sealed class FirstRunBrowserTests(FirstRunBrowserTests.Fixture fixture) : IClassFixture<FirstRunBrowserTests.Fixture>
{
    private const string Password = "Violet-Harbor-73!";

    [Fact]
    public async Task NewOwner_FollowsTheChecklistToTheEnd_ChecklistIsGone()
    {
        await using var context = await fixture.NewContextAsync();
        var pages = new AccountPages(await context.NewPageAsync(), fixture.BaseAddress);
        var clients = new ClientPages(pages.Page, fixture.BaseAddress);
        var page = pages.Page;
        var email = $"owner-{Guid.NewGuid():N}@example.com";

        // The landing page offers to create a practice.
        await pages.GotoAsync("/");
        await Assertions.Expect(page.Locator("#create-practice")).ToHaveAttributeAsync("href", "/account/sign-up");
        await pages.SignUpAsync("Riverbend Counseling", "Dana Reyes", email, Password);
        await pages.GotoAsync("/");
        await Assertions.Expect(Step("VerifyEmail")).ToHaveAttributeAsync("data-done", "false");

        // Verify the email from the outbox: the step is done and the banner is gone.
        await pages.FollowEmailLinkAsync(email, "email-verification");
        await page.ClickAsync("#verify-email-submit");
        await Assertions.Expect(pages.FormInfo).ToContainTextAsync("verified");
        await pages.GotoAsync("/");
        await Assertions.Expect(Step("VerifyEmail")).ToHaveAttributeAsync("data-done", "true");
        await Assertions.Expect(pages.VerifyBanner).ToHaveCountAsync(0);

        // Two-step sign-in, from the step's own link.
        await page.ClickAsync("#first-run-TwoStepSignIn");
        await page.WaitForURLAsync("**/account?setup=mfa");
        await pages.EnrollMfaAsync(s => new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(s)).ComputeTotp(DateTime.UtcNow));
        await pages.GotoAsync("/");
        await Assertions.Expect(Step("TwoStepSignIn")).ToHaveAttributeAsync("data-done", "true");

        // Invite a member.
        await page.ClickAsync("#first-run-InviteMember");
        await page.WaitForURLAsync("**/practice/members");
        await pages.InviteClinicianAsync($"clinician-{Guid.NewGuid():N}@example.com");
        await pages.GotoAsync("/");
        await Assertions.Expect(Step("InviteMember")).ToHaveAttributeAsync("data-done", "true");

        // Add a client: the form is open at once, and saving lands on the client, at its consent panel.
        await page.ClickAsync("#first-run-AddClient");
        await Assertions.Expect(page.Locator("#new-client-form")).ToBeVisibleAsync();
        await clients.FillNewClientAsync("Avery Quinn", new DateOnly(1987, 3, 14));
        await Assertions.Expect(page.Locator("#consent-heading")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#consent-panel")).ToBeInViewportAsync();

        // Record consent; the checklist has nothing left and goes away.
        await clients.RecordConsentAsync("consent-kind-recording");
        await pages.GotoAsync("/");
        await Assertions.Expect(page.Locator("#home-clients")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#first-run-checklist")).ToHaveCountAsync(0);

        ILocator Step(string step) => page.Locator($"#first-run-checklist li[data-step='{step}']");
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
