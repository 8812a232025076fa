using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Plexura.Core.Practices.Access;
using Plexura.Web.Components.Pages.Compliance;

namespace Plexura.Tests.Components;

/// <summary>The audit log page on the real use case: refusal, rows and detail, filters from the address, bad filters.</summary>
public sealed class AuditLogPageTests : AppComponentTestBase
{
    [Fact]
    public async Task AuditLog_OwnerWithoutSecondFactor_ExplainsWhy()
    {
        await SignInNewOwnerAsync();

        var cut = Context.Render<AuditLog>();

        cut.WaitForAssertion(() => Assert.Contains(PracticePolicy.AuditReaderNeedsMfaMessage, cut.Find("#audit-denied").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("#audit-table"));
    }

    [Fact]
    public async Task AuditLog_Owner_SeesEventsAndTheDetailWithEveryFieldAndHashes()
    {
        var (_, email) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();

        var cut = Context.Render<AuditLog>();
        var row = cut.WaitForElement("[id^=audit-row-]");
        row.Click();

        cut.WaitForAssertion(() =>
        {
            var detail = cut.Find("#audit-detail");
            Assert.Equal(64, cut.Find("#audit-detail-hash").TextContent.Trim().Length);
            Assert.Equal(64, cut.Find("#audit-detail-previous-hash").TextContent.Trim().Length);
            Assert.Contains(email, cut.Find("#audit-table").TextContent, StringComparison.Ordinal);
            Assert.NotEmpty(detail.QuerySelectorAll("#audit-detail-details, #audit-detail-ip, #audit-detail-user-agent, #audit-detail-id"));
        });
        Assert.True(cut.Find("#audit-newer").HasAttribute("disabled"));
    }

    [Fact]
    public async Task AuditLog_FilterInTheAddress_IsAppliedAndShownInTheForm()
    {
        await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        Get<NavigationManager>().NavigateTo("/compliance/audit?action=MfaEnrolled");

        var cut = Context.Render<AuditLog>();

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("#audit-table tbody tr");
            Assert.Single(rows);
            Assert.Contains("Two-step sign-in turned on", rows[0].TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task AuditLog_ActionPickedInTheForm_FiltersTheRowsAndTheAddress()
    {
        await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        var cut = Context.Render<AuditLog>();
        cut.WaitForAssertion(() => Assert.True(cut.FindAll("#audit-table tbody tr").Count > 1));

        var select = cut.FindComponents<MudSelect<string>>().Single(s => string.Equals(s.Instance.UserAttributes?.GetValueOrDefault("id") as string, "audit-filter-action", StringComparison.Ordinal));
        await cut.InvokeAsync(() => select.Instance.SelectOption("MfaEnrolled"));
        cut.Find("#audit-apply").Click();

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("#audit-table tbody tr");
            Assert.Single(rows);
            Assert.Contains("Two-step sign-in turned on", rows[0].TextContent, StringComparison.Ordinal);
        });
        Assert.Contains("action=MfaEnrolled", Get<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditLog_ReversedRangeInTheAddress_ShowsTheReason()
    {
        await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        Get<NavigationManager>().NavigateTo("/compliance/audit?from=2026-12-05&to=2026-12-01");

        var cut = Context.Render<AuditLog>();

        cut.WaitForAssertion(() => Assert.Contains("after its end", cut.Find("#audit-error").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("#audit-table"));
    }
}
