using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Auditing;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Practices.ChangeSettings;
using Plexura.Tests.Web;
using Plexura.Web;

namespace Plexura.Tests.Browser;

/// <summary>
/// The compliance center in Chromium: a compliance officer filters the audit log, reads the dashboard, exports and
/// verifies the log and its chain; and break-glass from a designated clinician's declaration to the owner's review.
/// </summary>
public sealed class ComplianceBrowserTests(ComplianceBrowserTests.Fixture fixture) : IClassFixture<ComplianceBrowserTests.Fixture>
{
    private readonly List<string> _gateFindings = [];

    [Fact]
    public async Task ComplianceOfficer_FiltersTheLog_ReadsTheDashboard_ExportsAndVerifiesTheFile_AndVerifiesTheChain()
    {
        var factory = (PracticeArrangeFactory)fixture.Factory;
        var practice = await PracticeArrange.CreateAsync(factory);
        var recoveryCodes = await ComplianceArrange.EnrollSecondFactorAsync(factory, practice.Compliance);

        // Seed: the owner opens the client three times; the clinician, who holds no grant, is refused once.
        using (var owner = PracticeArrange.ApiClient(factory, practice.Owner.Token))
        using (var clinician = PracticeArrange.ApiClient(factory, practice.Clinician.Token))
        {
            for (var i = 0; i < 3; i++)
            {
                (await owner.GetAsync(new Uri($"/api/v1/clients/{practice.ClientId}", UriKind.Relative))).EnsureSuccessStatusCode();
            }

            await clinician.GetAsync(new Uri($"/api/v1/clients/{practice.ClientId}", UriKind.Relative));
        }

        var ownerViews = await EventsAsync(practice.PracticeId, new AuditQuery(Action: AuditAction.PhiViewed, ActorUserId: practice.Owner.UserId, Limit: 100));
        Assert.True(ownerViews.Count >= 3);

        await using var context = await fixture.NewContextAsync(new() { AcceptDownloads = true });
        var page = await BrowserFixture.NewPageAsync(context);
        var account = new AccountPages(page, fixture.BaseAddress);
        await account.SignInAsync(practice.Compliance.Email, IdentityArrange.Password);
        await account.EnterSecondFactorAsync(recoveryCodes[0]);
        await Assertions.Expect(account.AccountLink).ToBeVisibleAsync();
        await GateAsync(page);

        // The audit log, filtered to the owner's client-record views: exactly those rows, newest first.
        // (The action comes from the URL, as the dashboard's links set it; the member is typed into the filter.)
        await GotoAsync(page, $"/compliance/audit?action={AuditAction.PhiViewed}");
        await Assertions.Expect(page.Locator("#audit-table")).ToBeVisibleAsync();
        await page.Locator("#audit-filter-actor").FillAsync(practice.Owner.UserId.ToString());
        await page.ClickAsync("#audit-apply");
        await page.WaitForURLAsync(url => url.Contains("actor=", StringComparison.Ordinal) && url.Contains("action=PhiViewed", StringComparison.Ordinal));
        var rows = page.Locator("#audit-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(ownerViews.Count);
        foreach (var view in ownerViews)
        {
            await Assertions.Expect(page.Locator($"#audit-row-{view.Sequence}")).ToBeVisibleAsync();
        }

        Assert.All(await rows.Locator("td[data-action]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.action)"), a => Assert.Equal("PhiViewed", a));
        Assert.All(await rows.Locator("td[data-actor]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.actor)"), a => Assert.Equal(practice.Owner.UserId.ToString(), a));
        Assert.DoesNotContain("Jordan Avery Lee", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await GateAsync(page);
        await page.ClickAsync($"#audit-row-{ownerViews[0].Sequence}");
        await Assertions.Expect(page.Locator("#audit-detail-hash")).ToContainTextAsync(ownerViews[0].Hash);
        await GateAsync(page);

        // The dashboard charts what was seeded: the owner's views and the clinician's refusal.
        await GotoAsync(page, "/compliance");
        await Assertions.Expect(page.Locator("#chart-phi-views-summary")).ToContainTextAsync($"Dana Reyes: {ownerViews.Count} views of 1 clients");
        await Assertions.Expect(page.Locator("#chart-denials-summary")).Not.ToContainTextAsync("No ");
        await Assertions.Expect(page.Locator("#chart-events-per-day svg").First).ToBeVisibleAsync();
        var total = int.Parse((await page.Locator("#chart-events-per-day").GetAttributeAsync("data-total"))!, CultureInfo.InvariantCulture);
        Assert.True(total >= ownerViews.Count + 1, $"Events charted: {total}.");
        await GateAsync(page);

        // A full-range CSV export and its manifest, downloaded and checked offline by the app's own verify-export.
        await GotoAsync(page, "/compliance/exports");
        var keyId = (await page.Locator("#export-key-id").InnerTextAsync()).Trim();
        var folder = Directory.CreateTempSubdirectory("plexura-export-").FullName;
        try
        {
            var file = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-download"));
            var filePath = Path.Combine(folder, file.SuggestedFilename);
            await file.SaveAsAsync(filePath);
            Assert.EndsWith(".csv", filePath, StringComparison.Ordinal);
            var manifest = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-manifest"));
            var manifestPath = Path.Combine(folder, "manifest-" + manifest.SuggestedFilename);
            await manifest.SaveAsAsync(manifestPath);
            await GateAsync(page);

            using var output = new StringWriter(CultureInfo.InvariantCulture);
            var exit = await VerifyExportCommand.RunAsync([filePath, manifestPath, "--key-id", keyId, "--practice", practice.PracticeId.ToString()], output, CancellationToken.None);
            Assert.True(exit == 0, output.ToString());
            Assert.Contains("VERIFIED", output.ToString(), StringComparison.Ordinal);
            var csv = await File.ReadAllTextAsync(filePath);
            Assert.All(ownerViews, view => Assert.Contains(view.Hash, csv, StringComparison.Ordinal));
            Assert.DoesNotContain("Jordan Avery Lee", csv, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        // Chain verification on demand: started, progress polled, the result shown.
        await GotoAsync(page, "/compliance/verification");
        await page.ClickAsync("#verify-start");
        await Assertions.Expect(page.Locator("#verify-result")).ToHaveAttributeAsync("data-valid", "true", new() { Timeout = 60_000 });
        await GateAsync(page);
        Assert.True(_gateFindings.Count == 0, string.Join(Environment.NewLine, _gateFindings));
        await PageGate.AssertEveryVisitedPageCheckedAsync(page);
    }

    [Fact]
    public async Task BreakGlass_DesignatedClinicianDeclaresWithAReason_OwnerIsEmailedWithoutPhi_AndAcknowledgesTheUse()
    {
        var factory = (PracticeArrangeFactory)fixture.Factory;
        var practice = await PracticeArrange.CreateAsync(factory);
        await PracticeArrange.RunAsAsync(factory.Services, practice.Owner.Token, sp => sp.GetRequiredService<SetEmergencyAccessMembersHandler>()
            .HandleAsync(new SetEmergencyAccessMembersCommand([practice.Clinician.UserId]), ClientInfo.Unknown, CancellationToken.None));
        const string Reason = "Crisis call from the client while their clinician is on leave.";

        // The clinician reaches the client by its id and is refused, with the emergency form on offer.
        await using var clinicianContext = await fixture.NewContextAsync();
        var clinicianPage = await BrowserFixture.NewPageAsync(clinicianContext);
        var clinician = new AccountPages(clinicianPage, fixture.BaseAddress);
        await clinician.SignInAsync(practice.Clinician.Email, IdentityArrange.Password);
        await Assertions.Expect(clinician.AccountLink).ToBeVisibleAsync();
        await PageGate.CheckAsync(clinicianPage);
        await clinician.GotoAsync($"/clients/{practice.ClientId}");
        await Assertions.Expect(clinicianPage.Locator("#client-denied")).ToBeVisibleAsync();
        await Assertions.Expect(clinicianPage.Locator("body")).Not.ToContainTextAsync("Jordan Avery Lee");
        await clinicianPage.ClickAsync("#emergency-declare");
        await Assertions.Expect(clinicianPage.Locator("#emergency-reason")).ToBeVisibleAsync();
        await PageGate.CheckAsync(clinicianPage);

        // No reason, no access.
        await clinicianPage.ClickAsync("#emergency-submit");
        await Assertions.Expect(clinicianPage.Locator("#emergency-error")).ToHaveTextAsync(EmergencyAccessMessages.ReasonMissingMessage);
        await Assertions.Expect(clinicianPage.Locator("#emergency-banner")).ToHaveCountAsync(0);
        await PageGate.CheckAsync(clinicianPage);

        // With a reason: the banner, and the record, view-only.
        await clinicianPage.Locator("#emergency-reason").FillAsync(Reason);
        await clinicianPage.ClickAsync("#emergency-submit");
        await Assertions.Expect(clinicianPage.Locator("#emergency-banner")).ToBeVisibleAsync();
        await Assertions.Expect(clinicianPage.Locator("#client-title")).ToHaveTextAsync("Jordan Avery Lee");
        await Assertions.Expect(clinicianPage.Locator("#client-edit")).ToHaveCountAsync(0);
        await PageGate.CheckAsync(clinicianPage);
        var access = Assert.Single(await AccessesAsync(practice));

        // The owner was emailed at once: a link to the review page, nothing about the client or the reason.
        var mail = Assert.Single(await OutboxAsync(), m => m.Kind == "emergency-access" && m.IdempotencyKey.Contains(access.Id.ToString(), StringComparison.Ordinal));
        Assert.Equal(practice.Owner.Email, mail.To, ignoreCase: true);
        Assert.Contains(DeclareEmergencyAccessHandler.ReviewPath, mail.TextBody, StringComparison.Ordinal);
        foreach (var phi in new[] { "Jordan Avery Lee", "Avery", "Crisis", practice.ClientId.ToString() })
        {
            Assert.DoesNotContain(phi, mail.Subject + mail.TextBody + mail.HtmlBody, StringComparison.Ordinal);
        }

        // The owner follows the link, reviews the use and acknowledges it.
        await using var ownerContext = await fixture.NewContextAsync();
        var ownerPage = await BrowserFixture.NewPageAsync(ownerContext);
        var owner = new AccountPages(ownerPage, fixture.BaseAddress);
        await owner.SignInWithRecoveryCodeAsync(practice.Owner);
        await owner.FollowEmailLinkAsync(practice.Owner.Email, "emergency-access");
        Assert.EndsWith(DeclareEmergencyAccessHandler.ReviewPath, new Uri(ownerPage.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(ownerPage.Locator($"#emergency-reason-{access.Id}")).ToHaveTextAsync(Reason);
        await Assertions.Expect(ownerPage.Locator($"#emergency-item-{access.Id}")).ToContainTextAsync(practice.ClientId.ToString());
        await Assertions.Expect(ownerPage.Locator($"#emergency-reviewed-{access.Id}")).ToHaveCountAsync(0);
        await ownerPage.Locator($"#emergency-note-{access.Id}").FillAsync("Confirmed with the clinician.");
        await ownerPage.ClickAsync($"#emergency-ack-{access.Id}");
        await Assertions.Expect(ownerPage.Locator($"#emergency-reviewed-{access.Id}")).ToContainTextAsync("Confirmed with the clinician.");
        await Assertions.Expect(ownerPage.Locator($"#emergency-ack-{access.Id}")).ToHaveCountAsync(0);
        await PageGate.CheckAsync(ownerPage);
        Assert.NotNull(Assert.Single(await AccessesAsync(practice)).ReviewedAt);
        await PageGate.AssertEveryVisitedPageCheckedAsync(clinicianPage);
        await PageGate.AssertEveryVisitedPageCheckedAsync(ownerPage);
    }

    /// <summary>Runs the page gate and keeps its findings, so one run of the long flow reports every page that fails it; the flow asserts none at its end.</summary>
    private async Task GateAsync(IPage page)
    {
        try
        {
            await PageGate.CheckAsync(page);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            _gateFindings.Add(e.Message);
        }
    }

    private async Task GotoAsync(IPage page, string path)
    {
        await page.GotoAsync(new Uri(fixture.BaseAddress, path).ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
        await GateAsync(page);
    }

    private async Task<IReadOnlyList<AuditEvent>> EventsAsync(Core.Common.PracticeId practiceId, AuditQuery query)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IAuditStore>().QueryAsync(practiceId, query, CancellationToken.None);
    }

    private async Task<IReadOnlyList<EmergencyAccess>> AccessesAsync(Practice practice)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IEmergencyAccessRepository>().ListAsync(practice.PracticeId, 10, CancellationToken.None);
    }

    private async Task<IReadOnlyList<OutboxMessage>> OutboxAsync()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOutboxRepository>().ListNewestAsync(1000, CancellationToken.None);
    }

    public sealed class Fixture : BrowserFixture
    {
        protected override PlexuraWebFactory CreateFactory() => new PracticeArrangeFactory { EnvironmentName = "Development" };
    }
}
