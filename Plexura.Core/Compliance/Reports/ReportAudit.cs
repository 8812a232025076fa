using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Compliance.Reports;

/// <summary>The audit events of the compliance reports: which filters were set (names only, never values), ids, codes.</summary>
internal static class ReportAudit
{
    /// <summary>Target type of the accounting of disclosures (§ 164.528).</summary>
    public const string DisclosureReport = "disclosure-report";

    /// <summary>Target type of the access report (every view of one client's PHI).</summary>
    public const string AccessReport = "access-report";

    /// <summary>Target type of the breach impact report (§ 164.410).</summary>
    public const string BreachReport = "breach-report";

    /// <summary>The target type of a client report of <paramref name="kind"/>.</summary>
    public static string TargetTypeOf(ClientReportKind kind) => kind == ClientReportKind.Access ? AccessReport : DisclosureReport;

    /// <summary>Comma-joined names of the filters that were set, or <c>none</c>.</summary>
    public static string FilterNames(params (string Name, bool IsSet)[] filters)
    {
        var names = filters.Where(f => f.IsSet).Select(f => f.Name).ToList();
        return names.Count == 0 ? "none" : string.Join(',', names);
    }

    /// <summary>Writes one report event; the client a report is about is its target id, and also its client id unless it is an export.</summary>
    /// <remarks>
    /// A downloaded report holds the log's ids and codes, not the client's PHI. Written as an <see cref="AuditAction.Exported"/>
    /// event with the client id as its client, the download would list itself in the client's next accounting of
    /// disclosures as an export of the record; so an export names the client as its target only.
    /// </remarks>
    public static Task<AuditEvent> RecordAsync(
        IAuditLog audit,
        PracticeActor actor,
        ClientInfo client,
        AuditAction action,
        AuditResult result,
        string targetType,
        ClientId? clientId,
        CancellationToken ct,
        params (string Key, string Value)[] details) =>
        AccessAudit.RecordAsync(
            audit, actor, client, action, result, targetType, clientId?.ToString(), action == AuditAction.Exported ? null : clientId, ct, details);

    /// <summary>Runs <paramref name="step"/>; input it refuses is audited as <see cref="AuditResult.Failed"/> (the rule, never the input) and rethrown.</summary>
    public static Task<T> RefusingInvalidInputAsync<T>(
        IAuditLog audit, PracticeActor actor, ClientInfo client, AuditAction action, string targetType, ClientId? clientId, Func<T> step, CancellationToken ct) =>
        AccessAudit.RefusingInvalidInputAsync(
            audit, actor, client, action, targetType, clientId?.ToString(), action == AuditAction.Exported ? null : clientId, () => Task.FromResult(step()), ct);
}
