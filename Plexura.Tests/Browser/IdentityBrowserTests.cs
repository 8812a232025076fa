using Microsoft.Playwright;
using Plexura.Tests.Web;

namespace Plexura.Tests.Browser;

/// <summary>The identity flows in Chromium, on real Kestrel in Development (so the outbox page exists).</summary>
public sealed class IdentityBrowserTests(IdentityBrowserTests.Fixture fixture) : IClassFixture<IdentityBrowserTests.Fixture>
{
    private const string Password = "Violet-Harbor-73!";

    /// <summary>The whole identity journey of the issue, in one browser per person.</summary>
    [Fact]
    public async Task Owner_SignsUpVerifiesEnrollsMfaSignsInWithTotpInvitesAClinicianWhoJoins()
    {
        await using var context = await fixture.NewContextAsync();
        var pages = new AccountPages(await BrowserFixture.NewPageAsync(context), fixture.BaseAddress);
        var email = $"owner-{Guid.NewGuid():N}@example.com";

        await pages.SignUpAsync("Riverbend Counseling", "Dana Reyes", email, Password);
        await Assertions.Expect(pages.VerifyBanner).ToBeVisibleAsync();
        await Assertions.Expect(pages.AccountLink).ToContainTextAsync("Dana Reyes");
        await PageGate.CheckAsync(pages.Page);

        await pages.FollowEmailLinkAsync(email, "email-verification");
        await pages.Page.ClickAsync("#verify-email-submit");
        await Assertions.Expect(pages.FormInfo).ToContainTextAsync("verified");
        await PageGate.CheckAsync(pages.Page);

        await pages.GotoAsync("/");
        await Assertions.Expect(pages.AccountLink).ToContainTextAsync("Dana Reyes");
        await Assertions.Expect(pages.VerifyBanner).ToHaveCountAsync(0);
        await pages.SignOutAsync();
        await Assertions.Expect(pages.FormInfo).ToContainTextAsync("signed out");

        await pages.SignInAsync(email, "Wrong-Password-99!");
        await Assertions.Expect(pages.FormError).ToContainTextAsync("not correct");
        await PageGate.CheckAsync(pages.Page);
        await pages.SignInAsync(email, Password);
        await Assertions.Expect(pages.AccountLink).ToContainTextAsync("Dana Reyes");

        // Enroll an authenticator; the codes are computed here as the app on a phone would.
        var (secret, recoveryCodes) = await pages.EnrollMfaAsync(s => Totp(s).ComputeTotp(DateTime.UtcNow));
        Assert.Equal(10, recoveryCodes.Distinct().Count());
        await pages.SignOutAsync();

        // The password alone no longer opens a session. The code of the next 30-second step is accepted (one step of
        // drift is allowed) and is never the step used at enrollment, which the app refuses to see twice.
        await pages.SignInAsync(email, Password);
        await Assertions.Expect(pages.AccountLink).ToHaveCountAsync(0);
        await PageGate.CheckAsync(pages.Page);
        await pages.EnterSecondFactorAsync(Totp(secret).ComputeTotp(DateTime.UtcNow.AddSeconds(30)));
        await Assertions.Expect(pages.AccountLink).ToContainTextAsync("Dana Reyes");

        // Invite a clinician, who accepts in their own browser and lands signed in.
        var clinicianEmail = $"clinician-{Guid.NewGuid():N}@example.com";
        await pages.InviteClinicianAsync(clinicianEmail);
        await using var clinicianContext = await fixture.NewContextAsync();
        var clinician = new AccountPages(await BrowserFixture.NewPageAsync(clinicianContext), fixture.BaseAddress);
        await clinician.FollowEmailLinkAsync(clinicianEmail, "invitation");
        await Assertions.Expect(clinician.Page.Locator("#invitation-summary")).ToContainTextAsync("Clinician");
        await clinician.Page.FillAsync("#display-name", "Jordan Park");
        await clinician.Page.FillAsync("#password", "Maple-Garden-58!");
        await clinician.Page.ClickAsync("#accept-submit");
        await Assertions.Expect(clinician.AccountLink).ToContainTextAsync("Jordan Park");
        await PageGate.CheckAsync(clinician.Page);

        // The owner sees the new member.
        await pages.GotoAsync("/practice/members");
        await Assertions.Expect(pages.Page.Locator("#members-table")).ToContainTextAsync("Jordan Park");
        await Assertions.Expect(pages.Page.Locator("#invitations-table")).ToContainTextAsync("Accepted");
        await PageGate.AssertEveryVisitedPageCheckedAsync(pages.Page);
        await PageGate.AssertEveryVisitedPageCheckedAsync(clinician.Page);
    }

    private static OtpNet.Totp Totp(string secret) => new(OtpNet.Base32Encoding.ToBytes(secret));

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
