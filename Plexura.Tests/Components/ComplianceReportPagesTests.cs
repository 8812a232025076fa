using Bunit;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Common;
using Plexura.Web.Components.Pages.Clients;
using Plexura.Web.Components.Pages.Compliance;
using Plexura.Web.Components.Pages.Reports;

namespace Plexura.Tests.Components;

/// <summary>The disclosure, access and breach report pages, on the real use cases (SQLite).</summary>
public sealed class ComplianceReportPagesTests : ClientPagesTestBase
{
    private static readonly ClientDetails Morgan = new("Morgan Ellis", new DateOnly(1979, 2, 3));

    [Fact]
    public async Task ReportsPage_OwnerRunsTheAccessReport_SeesTheNameTheRowsAndTheCsvAndPrintLinks()
    {
        var (practiceId, userId, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var clientId = await CreateClientAsync(Morgan);
        var export = await RecordAsync(practiceId, userId, AuditAction.Exported, clientId);
        var cut = Context.Render<ComplianceReports>();

        Input(cut, "#report-client").Change(clientId.ToString());
        cut.Find("#report-kind-access").Click();
        cut.Find("#report-run").Click();

        cut.WaitForAssertion(() => Assert.Equal("Morgan Ellis", cut.Find("#report-client-name").TextContent));
        Assert.NotNull(cut.Find($"#report-row-{export.Sequence}"));
        Assert.Equal($"/api/v1/compliance/reports/clients/{clientId}/csv?kind=access", cut.Find("#report-csv").GetAttribute("href"));
        Assert.Equal($"/compliance/reports/clients/{clientId}/print?kind=access", cut.Find("#report-print").GetAttribute("href"));
        Assert.Equal("true", cut.Find("#report-kind-access").GetAttribute("aria-pressed"));
        var viewed = await Get<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Action: AuditAction.AuditLogViewed), Ct);
        Assert.Equal("access-report", Assert.Single(viewed).TargetType);
    }

    [Fact]
    public async Task ReportsPage_MalformedOrUnknownClientId_SaysSoClearly()
    {
        await SignInVerifiedOwnerAsync(withMfa: true);
        var cut = Context.Render<ComplianceReports>();

        Input(cut, "#report-client").Change("Morgan Ellis");
        cut.Find("#report-run").Click();
        cut.WaitForAssertion(() => Assert.Contains("client's id", cut.Find("#report-error").TextContent, StringComparison.Ordinal));
        Input(cut, "#report-client").Change(Guid.NewGuid().ToString());
        cut.Find("#report-run").Click();

        cut.WaitForAssertion(() => Assert.Contains("Client not found", cut.Find("#report-error").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReportsPage_BreachByIp_ListsTheClientByIdAndOffersTheCsv_BadIpIsRefused()
    {
        var (practiceId, userId, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var clientId = await CreateClientAsync(Morgan);
        await RecordAsync(practiceId, userId, AuditAction.PhiViewed, clientId, "198.51.100.40");
        var cut = Context.Render<ComplianceReports>();

        Input(cut, "#breach-ip").Change("not an ip");
        cut.Find("#breach-run").Click();
        cut.WaitForAssertion(() => Assert.Equal(Core.Compliance.Reports.BreachReportHandler.BadIpMessage, cut.Find("#breach-error").TextContent));
        Input(cut, "#breach-ip").Change("198.51.100.40");
        Input(cut, "#breach-from").Change(Time.GetUtcNow().AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        cut.Find("#breach-run").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find($"#breach-row-{clientId}")));
        Assert.DoesNotContain("Morgan", cut.Find("#breach-rows").TextContent, StringComparison.Ordinal);
        Assert.Contains("ip=198.51.100.40", cut.Find("#breach-csv").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientDisclosuresPage_ClinicianWithoutExport_IsRefusedWithTheReason()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var clientId = await CreateClientAsync(Morgan);
        var (_, email) = await AddClinicianAsync(practiceId);
        await SignInAsync(email);
        var cut = Context.Render<ClientDisclosuresPage>(p => p.Add(c => c.Id, clientId.ToString()));

        cut.Find("#report-run").Click();

        cut.WaitForAssertion(() => Assert.Contains("not been given", cut.Find("#report-error").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("#report-client"));
    }

    [Fact]
    public async Task PrintPage_ShowsTheReportWithoutAppChrome()
    {
        var (practiceId, userId, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var clientId = await CreateClientAsync(Morgan);
        await RecordAsync(practiceId, userId, AuditAction.EhrPushed, clientId);

        var cut = Context.Render<ClientReportPrint>(p => p.Add(c => c.Id, clientId.ToString()));

        cut.WaitForAssertion(() => Assert.Equal("Morgan Ellis", cut.Find("#print-client-name").TextContent));
        Assert.Contains("EHR push", cut.Find("#print-rows").TextContent, StringComparison.Ordinal);
        Assert.Equal("Accounting of disclosures", cut.Find("#print-title").TextContent);
        Assert.Empty(cut.FindAll("nav"));
    }

    private Task<AuditEvent> RecordAsync(PracticeId practiceId, UserId userId, AuditAction action, ClientId clientId, string ip = "203.0.113.7") =>
        Get<IAuditLog>().RecordAsync(
            new AuditEntry(practiceId, new AuditActor(userId, null), ip, "test", action, "client", clientId.ToString(), clientId.ToString(), AuditResult.Success),
            Ct);
}
