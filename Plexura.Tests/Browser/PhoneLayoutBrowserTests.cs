using Microsoft.Playwright;
using Plexura.Tests.Web;

namespace Plexura.Tests.Browser;

/// <summary>
/// Every signed-in page at phone width (390 × 844): the page gate (axe-core in both themes, nothing wider than the
/// viewport) runs on each page and on each confirmation opened on it.
/// </summary>
public sealed class PhoneLayoutBrowserTests(PhoneLayoutBrowserTests.Fixture fixture) : IClassFixture<PhoneLayoutBrowserTests.Fixture>
{
    private const string Password = "Violet-Harbor-73!";

    private static readonly BrowserNewContextOptions Phone = new()
    {
        ViewportSize = new() { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task SignedInPages_AtPhoneWidth_PassTheGateWithTablesKeysAndConfirmationsShown()
    {
        await using var ownerContext = await fixture.NewContextAsync(Phone);
        var owner = new AccountPages(await BrowserFixture.NewPageAsync(ownerContext), fixture.BaseAddress);
        var ownerClients = new ClientPages(owner.Page, fixture.BaseAddress);
        var page = owner.Page;
        var email = $"owner-with-a-rather-long-address-{Guid.NewGuid():N}@example.com";

        await owner.SignUpAsync("Riverbend Counseling", "Dana Reyes", email, Password);
        await Assertions.Expect(owner.AccountLink).ToBeVisibleAsync();
        await PageGate.CheckAsync(page);
        await owner.FollowEmailLinkAsync(email, "email-verification");
        await page.ClickAsync("#verify-email-submit");
        await Assertions.Expect(owner.FormInfo).ToContainTextAsync("verified");
        await PageGate.CheckAsync(page);
        await owner.GotoAsync("/");

        // The account page with the authenticator key shown, then the recovery codes (both gated by the page object).
        await owner.EnrollMfaAsync(s => new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(s)).ComputeTotp(DateTime.UtcNow));

        // A clinician joins, so the members table has two rows with every action.
        var clinicianEmail = $"clinician-{Guid.NewGuid():N}@example.com";
        await owner.InviteClinicianAsync(clinicianEmail);
        await using var clinicianContext = await fixture.NewContextAsync(Phone);
        var clinician = new AccountPages(await BrowserFixture.NewPageAsync(clinicianContext), fixture.BaseAddress);
        await clinician.FollowEmailLinkAsync(clinicianEmail, "invitation");
        await clinician.Page.FillAsync("#display-name", "Jordan Park");
        await clinician.Page.FillAsync("#password", "Maple-Garden-58!");
        await clinician.Page.ClickAsync("#accept-submit");
        await Assertions.Expect(clinician.AccountLink).ToBeVisibleAsync();
        await PageGate.CheckAsync(clinician.Page);

        // The clinician's account page with the "leave the practice" confirmation open.
        await clinician.GotoAsync("/account");
        await clinician.Page.ClickAsync("#leave-practice");
        await Assertions.Expect(clinician.Page.Locator("#leave-confirm")).ToBeVisibleAsync();
        await PageGate.CheckAsync(clinician.Page);

        // The client list (the new-client form and the list are gated by the page object), a client page with a consent
        // recorded and a grant given, then its archive confirmation.
        var clientId = await ownerClients.AddClientAsync("Avery Quinn", new DateOnly(1987, 3, 14));
        await ownerClients.OpenAsync(clientId);
        await page.ClickAsync("#consent-record");
        await Assertions.Expect(page.Locator("#consent-list .consent-state")).ToHaveCountAsync(1);
        await ownerClients.GrantViewOnlyAsync("Jordan Park");
        await Assertions.Expect(page.Locator("#access-list .access-permissions[data-permissions='view']")).ToHaveCountAsync(1);
        await PageGate.CheckAsync(page);
        await page.ClickAsync("#client-archive");
        await Assertions.Expect(page.Locator("#client-archive-question")).ToBeVisibleAsync();
        await PageGate.CheckAsync(page);

        // The members page with each confirmation panel open on the clinician's row.
        await owner.GotoAsync("/practice/members");
        var row = page.Locator("#members-table tr[data-role='Clinician']");
        var memberId = await row.GetAttributeAsync("data-member-id");
        foreach (var action in new[] { "role", "scope", "transfer", "remove" })
        {
            await page.ClickAsync($"#member-{action}-{memberId}");
            await Assertions.Expect(page.Locator("#member-panel")).ToBeVisibleAsync();
            await PageGate.CheckAsync(page);
            await page.Locator("#member-panel #confirm-cancel").ClickAsync();
            await Assertions.Expect(page.Locator("#member-panel")).ToHaveCountAsync(0);
        }

        await PageGate.AssertEveryVisitedPageCheckedAsync(page);
        await PageGate.AssertEveryVisitedPageCheckedAsync(clinician.Page);
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
