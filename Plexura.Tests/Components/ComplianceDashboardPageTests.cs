using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Checkpoints;
using Plexura.Core.Practices.Access;
using Plexura.Web.Components.Pages.Compliance;

namespace Plexura.Tests.Components;

/// <summary>The compliance dashboard page on the real use case: cards with their audit-log links, charts with text alternatives.</summary>
public sealed class ComplianceDashboardPageTests : AppComponentTestBase
{
    private readonly StoredResults _verifications = new();

    public ComplianceDashboardPageTests()
    {
        Context.Services.AddSingleton<IAuditVerificationResults>(_verifications);
    }

    [Fact]
    public async Task Dashboard_RepeatedFailedSignIns_CardLinksToTheFilteredAuditLogAndTheChartSaysItInWords()
    {
        var (signUp, email) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        for (var i = 0; i < 5; i++)
        {
            await Get<IAuditLog>().RecordAsync(
                new AuditEntry(signUp.PracticeId, new AuditActor(signUp.UserId, email), "198.51.100.7", null, AuditAction.SignInFailed, "user", null, null, AuditResult.Failed),
                Ct);
        }

        var cut = Context.Render<Dashboard>();

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("#card-failed-signins").GetAttribute("data-count")));
        var link = cut.Find("#card-failed-signins-items a").GetAttribute("href")!;
        Assert.StartsWith("/compliance/audit?", link, StringComparison.Ordinal);
        Assert.Contains("action=SignInFailed", link, StringComparison.Ordinal);
        Assert.Contains($"actor={signUp.UserId}", link, StringComparison.Ordinal);
        Assert.Contains("from=2026-11-22T09", link, StringComparison.Ordinal);
        Assert.Contains("5 failed sign-ins in 30 days; the most on Mon 23 Nov (5).", cut.Find("#chart-signin-failures-summary").TextContent, StringComparison.Ordinal);
        Assert.Equal("5", cut.Find("#chart-signin-failures").GetAttribute("data-total"));
        Assert.Contains("Not verified yet", cut.Find("#card-chain-status").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(cut.FindAll("#card-after-hours-unset"));
        Assert.Equal("0", cut.Find("#card-break-glass").GetAttribute("data-count"));
        Assert.Contains("Last 30 days", cut.Find("#dashboard-period").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_ChartTable_ListsEveryDayWithItsCount()
    {
        var (signUp, email) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        await Get<IAuditLog>().RecordAsync(
            new AuditEntry(signUp.PracticeId, new AuditActor(signUp.UserId, email), null, null, AuditAction.SignInFailed, "user", null, null, AuditResult.Failed), Ct);
        var cut = Context.Render<Dashboard>();
        cut.WaitForElement("#chart-signin-failures-table-toggle");

        cut.Find("#chart-signin-failures-table-toggle .mud-expand-panel-header").Click();

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("#chart-signin-failures-table tbody tr");
            Assert.Equal(30, rows.Count);
            Assert.Equal("Mon 23 Nov", rows[^1].QuerySelector("th")!.TextContent.Trim());
            Assert.Equal("1", rows[^1].QuerySelector("td")!.TextContent.Trim());
        });
    }

    [Fact]
    public async Task Dashboard_ChoosingSevenDays_ReloadsTheRange()
    {
        await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var cut = Context.Render<Dashboard>();
        cut.WaitForElement("#dashboard-period");

        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<int>>().Instance.ValueChanged.InvokeAsync(7));

        cut.WaitForAssertion(() => Assert.Contains("Last 7 days: Tue 17 Nov to Mon 23 Nov", cut.Find("#dashboard-period").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_StoredBrokenVerification_SaysWhereTheChainBreaks()
    {
        _verifications.Latest = new AuditVerificationSummary(Time.GetUtcNow().AddHours(-2), false, 120, 7, 0);
        await SignInNewOwnerAsync();
        await EnrollMfaAsync();

        var cut = Context.Render<Dashboard>();

        cut.WaitForAssertion(() => Assert.Equal("broken", cut.Find("#card-chain").GetAttribute("data-state")));
        Assert.Contains("Broken at event 7", cut.Find("#card-chain-status").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_OwnerWithoutSecondFactor_ExplainsWhatToDoAndShowsNoData()
    {
        await SignInNewOwnerAsync();

        var cut = Context.Render<Dashboard>();

        cut.WaitForAssertion(() => Assert.Contains(PracticePolicy.AuditReaderNeedsMfaMessage, cut.Find("#dashboard-denied").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("#card-failed-signins"));
        Assert.Empty(cut.FindAll("#chart-events-per-day"));
    }

    /// <summary>Stands in for the checkpoint feature's store of verification results: none until a test sets one.</summary>
    private sealed class StoredResults : IAuditVerificationResults
    {
        public AuditVerificationSummary? Latest { get; set; }

        public Task<AuditVerificationSummary?> LatestAsync(PracticeId practiceId, CancellationToken ct) => Task.FromResult(Latest);
    }
}
