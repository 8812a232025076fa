using Microsoft.Playwright;
using Plexura.Tests.Web;

namespace Plexura.Tests.Browser;

/// <summary>Per-client access in Chromium: what an owner grants is exactly what a clinician sees.</summary>
public sealed class ClientAccessBrowserTests(ClientAccessBrowserTests.Fixture fixture) : IClassFixture<ClientAccessBrowserTests.Fixture>
{
    private const string Password = "Violet-Harbor-73!";

    [Fact]
    public async Task Owner_InvitesAClinicianAndGrantsViewOnOneClient_ClinicianSeesExactlyThatClientAndCannotOpenAnotherByUrl()
    {
        await using var ownerContext = await fixture.NewContextAsync();
        var owner = new AccountPages(await BrowserFixture.NewPageAsync(ownerContext), fixture.BaseAddress);
        var ownerClients = new ClientPages(owner.Page, fixture.BaseAddress);
        var email = $"owner-{Guid.NewGuid():N}@example.com";

        // An owner with a verified email and a second factor, as managing access requires.
        await owner.SignUpAsync("Riverbend Counseling", "Dana Reyes", email, Password);
        await Assertions.Expect(owner.AccountLink).ToBeVisibleAsync();
        await PageGate.CheckAsync(owner.Page);
        await owner.FollowEmailLinkAsync(email, "email-verification");
        await owner.Page.ClickAsync("#verify-email-submit");
        await Assertions.Expect(owner.FormInfo).ToContainTextAsync("verified");
        await PageGate.CheckAsync(owner.Page);
        await owner.EnrollMfaAsync(s => new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(s)).ComputeTotp(DateTime.UtcNow));

        // The owner invites a clinician, who accepts in their own browser.
        var clinicianEmail = $"clinician-{Guid.NewGuid():N}@example.com";
        await owner.InviteClinicianAsync(clinicianEmail);
        await using var clinicianContext = await fixture.NewContextAsync();
        var clinician = new AccountPages(await BrowserFixture.NewPageAsync(clinicianContext), fixture.BaseAddress);
        var clinicianClients = new ClientPages(clinician.Page, fixture.BaseAddress);
        await clinician.FollowEmailLinkAsync(clinicianEmail, "invitation");
        await clinician.Page.FillAsync("#display-name", "Jordan Park");
        await clinician.Page.FillAsync("#password", "Maple-Garden-58!");
        await clinician.Page.ClickAsync("#accept-submit");
        await Assertions.Expect(clinician.AccountLink).ToContainTextAsync("Jordan Park");
        await PageGate.CheckAsync(clinician.Page);

        // Two clients; the clinician is granted view on the first only.
        var granted = await ownerClients.AddClientAsync("Avery Quinn", new DateOnly(1987, 3, 14));
        var other = await ownerClients.AddClientAsync("Morgan Ellis", new DateOnly(1979, 11, 2));
        await ownerClients.OpenAsync(granted);
        await ownerClients.GrantViewOnlyAsync("Jordan Park");
        var row = owner.Page.Locator("#access-list tr").Filter(new() { HasText = "Jordan Park" });
        await Assertions.Expect(row.Locator(".access-permissions")).ToHaveAttributeAsync("data-permissions", "view");
        await PageGate.CheckAsync(owner.Page);

        // The clinician's list holds exactly the granted client, which opens read-only.
        await clinicianClients.GotoAsync("/clients");
        await Assertions.Expect(clinicianClients.ClientLinks).ToHaveCountAsync(1);
        await Assertions.Expect(clinicianClients.ClientLinks).ToHaveAttributeAsync("data-client-id", granted);
        await Assertions.Expect(clinicianClients.ClientLinks).ToContainTextAsync("Avery Quinn");
        await clinicianClients.ClientLinks.ClickAsync();
        await Assertions.Expect(clinician.Page.Locator("#client-detail-name")).ToContainTextAsync("Avery Quinn");
        await Assertions.Expect(clinician.Page.Locator("#client-edit")).ToHaveCountAsync(0);
        await PageGate.CheckAsync(clinician.Page);

        // The other client's id, typed into the address bar, is refused and shows nothing of the client.
        await clinicianClients.OpenAsync(other);
        await Assertions.Expect(clinician.Page.Locator("#client-denied")).ToBeVisibleAsync();
        await Assertions.Expect(clinician.Page.Locator("body")).Not.ToContainTextAsync("Morgan");
        await Assertions.Expect(clinician.Page.Locator("#client-detail-name")).ToHaveCountAsync(0);
        await PageGate.CheckAsync(clinician.Page);
        await PageGate.AssertEveryVisitedPageCheckedAsync(owner.Page);
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
