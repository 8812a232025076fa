using System.Globalization;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Compliance.Reports;

/// <summary>Which per-client report.</summary>
public enum ClientReportKind
{
    /// <summary>Accounting of disclosures (§ 164.528): every export, EHR push and emergency access of the client's PHI.</summary>
    Disclosures,

    /// <summary>Access report: the disclosures plus every view of the client's PHI.</summary>
    Access,
}

/// <summary>One disclosure or access of a client's PHI, from the audit log (ids and codes only).</summary>
/// <param name="Sequence">The audit event's sequence number.</param>
/// <param name="At">When.</param>
/// <param name="Action">What: <see cref="AuditAction.Exported"/>, <see cref="AuditAction.EhrPushed"/>, <see cref="AuditAction.EmergencyAccess"/> or <see cref="AuditAction.PhiViewed"/>.</param>
/// <param name="ActorUserId">Who, when known.</param>
/// <param name="ActorEmail">Who, by email, when recorded.</param>
/// <param name="SourceIp">From where.</param>
/// <param name="TargetType">What part of the record ("client", "note", "transcript").</param>
/// <param name="TargetId">The record's id.</param>
/// <param name="Details">The event's details (ids and codes, never PHI), as <c>key=value</c> pairs.</param>
public sealed record ClientReportRow(
    long Sequence,
    DateTimeOffset At,
    AuditAction Action,
    UserId? ActorUserId,
    string? ActorEmail,
    string? SourceIp,
    string? TargetType,
    string? TargetId,
    string Details);

/// <summary>One page of a client report.</summary>
/// <param name="ClientId">The client.</param>
/// <param name="Kind">Which report.</param>
/// <param name="Window">The range covered.</param>
/// <param name="Rows">The events, newest first.</param>
/// <param name="NextBefore">The value for <see cref="ClientReportCommand.BeforeSequence"/> of the next (older) page, or null at the end.</param>
/// <param name="MayViewClient">Whether the reader may open the client's record (and so be shown the name, through the audited client use case).</param>
public sealed record ClientReportPage(
    ClientId ClientId, ClientReportKind Kind, ReportWindow Window, IReadOnlyList<ClientReportRow> Rows, long? NextBefore, bool MayViewClient);

/// <summary>Read a page of the accounting of disclosures or the access report of one client.</summary>
/// <param name="ClientId">The client.</param>
/// <param name="Kind">Which report.</param>
/// <param name="From">Start (inclusive); default six years before the end.</param>
/// <param name="To">End (exclusive); default now.</param>
/// <param name="BeforeSequence">Keyset paging: only older events than this sequence number.</param>
/// <param name="Limit">Page size, 1..<see cref="ClientReportHandler.MaxLimit"/>.</param>
public sealed record ClientReportCommand(
    ClientId ClientId, ClientReportKind Kind, DateTimeOffset? From = null, DateTimeOffset? To = null, long? BeforeSequence = null, int Limit = 50);

/// <summary>The events of the per-client reports and how they are shown; shared by the page and the CSV use cases.</summary>
public static class ClientReportEvents
{
    /// <summary>The disclosures of § 164.528 as the log records them.</summary>
    public static readonly IReadOnlyList<AuditAction> Disclosures = [AuditAction.Exported, AuditAction.EhrPushed, AuditAction.EmergencyAccess];

    /// <summary>The disclosures and every view.</summary>
    public static readonly IReadOnlyList<AuditAction> Accesses = [AuditAction.Exported, AuditAction.EhrPushed, AuditAction.EmergencyAccess, AuditAction.PhiViewed];

    /// <summary>The store query of a report: the client, the actions of <paramref name="kind"/>, successful ones only (a refused attempt disclosed nothing).</summary>
    public static AuditQuery Query(ClientId clientId, ClientReportKind kind, ReportWindow window, long? beforeSequence = null, int limit = 100) =>
        new(
            From: window.From,
            To: window.To,
            ClientId: clientId.ToString(),
            Result: AuditResult.Success,
            Actions: kind == ClientReportKind.Access ? Accesses : Disclosures,
            BeforeSequence: beforeSequence,
            Limit: limit);

    /// <summary>The row of <paramref name="e"/>.</summary>
    public static ClientReportRow Row(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new ClientReportRow(
            e.Sequence, e.Timestamp, e.Action, e.ActorUserId, e.ActorEmail, e.SourceIp, e.TargetType, e.TargetId,
            string.Join("; ", e.Details.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}")));
    }

    /// <summary>The action in words, for the page and the CSV.</summary>
    public static string Describe(AuditAction action) => action switch
    {
        AuditAction.Exported => "Export",
        AuditAction.EhrPushed => "EHR push",
        AuditAction.EmergencyAccess => "Emergency access",
        AuditAction.PhiViewed => "View",
        _ => action.ToString(),
    };

    /// <summary>The CSV header of a client report.</summary>
    public const string CsvHeader = "sequence,time_utc,kind,action,actor_user_id,actor_email,source_ip,target_type,target_id,details";

    /// <summary>The CSV line of <paramref name="row"/>.</summary>
    public static string CsvLine(ClientReportRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Csv.Line(
            row.Sequence.ToString(CultureInfo.InvariantCulture),
            Csv.Time(row.At),
            Describe(row.Action),
            row.Action.ToString(),
            row.ActorUserId?.ToString(),
            row.ActorEmail,
            row.SourceIp,
            row.TargetType,
            row.TargetId,
            row.Details);
    }
}

/// <summary>Reads a page of a client's accounting of disclosures or access report, newest first.</summary>
/// <remarks>
/// Authorized by <see cref="ClientReportAccess"/> (audit readers, or export permission on the client). Every reading is
/// audited as <see cref="AuditAction.AuditLogViewed"/> with target type <c>disclosure-report</c> or <c>access-report</c>,
/// the client id as the event's client and the names of the filters set (never their values). Bad input (a range
/// longer than 7 years, start after end) is refused with a clear message and audited as Failed. Only successful events
/// are listed: a refused attempt disclosed nothing (it is in the audit log viewer). Views of the client's name in a
/// client list or search (events naming many clients in their details) are not part of this per-client report.
/// </remarks>
public sealed class ClientReportHandler(ClientReportAccess access, IAuditStore store, IAuditLog audit, TimeProvider time)
{
    /// <summary>The largest page (the printable page asks for this many at once).</summary>
    public const int MaxLimit = 10_000;

    /// <summary>The page; throws <see cref="AccessDeniedException"/>, <see cref="RecordNotFoundException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task<ClientReportPage> HandleAsync(ClientReportCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var targetType = ReportAudit.TargetTypeOf(command.Kind);
        var reader = await access.RequireAsync(command.ClientId, AuditAction.AuditLogViewed, targetType, client, ct);
        var window = await ReportAudit.RefusingInvalidInputAsync(
            audit, reader.Actor, client, AuditAction.AuditLogViewed, targetType, command.ClientId, () => Validate(command, time.GetUtcNow()), ct);

        var limit = command.Limit;
        var events = await store.QueryAsync(
            reader.Actor.PracticeId, ClientReportEvents.Query(command.ClientId, command.Kind, window, command.BeforeSequence, limit + 1), ct);
        var rows = events.Take(limit).Select(ClientReportEvents.Row).ToList();
        var next = events.Count > limit ? rows[^1].Sequence : (long?)null;

        await ReportAudit.RecordAsync(
            audit, reader.Actor, client, AuditAction.AuditLogViewed, AuditResult.Success, targetType, command.ClientId, ct,
            ("filters", ReportAudit.FilterNames(("client", true), ("from", command.From is not null), ("to", command.To is not null))),
            ("page", command.BeforeSequence is null ? "first" : "older"),
            ("shown", rows.Count.ToString(CultureInfo.InvariantCulture)));
        return new ClientReportPage(command.ClientId, command.Kind, window, rows, next, reader.MayViewClient);
    }

    /// <summary>The window of <paramref name="command"/>, its page size checked.</summary>
    internal static ReportWindow Validate(ClientReportCommand command, DateTimeOffset now)
    {
        if (command.Limit is < 1 or > MaxLimit)
        {
            throw new ValidationFailedException($"A page holds 1 to {MaxLimit.ToString(CultureInfo.InvariantCulture)} events.");
        }

        if (!Enum.IsDefined(command.Kind))
        {
            throw new ValidationFailedException("Choose the accounting of disclosures or the access report.");
        }

        return ReportWindow.Resolve(command.From, command.To, now, ReportWindow.SixYears);
    }
}

/// <summary>A report as CSV: a file name without PHI and its lines, header first, produced as they are read.</summary>
/// <param name="FileName">The download's file name (ids and dates only).</param>
/// <param name="Lines">The lines, without line ends; enumerate once.</param>
public sealed record ReportCsv(string FileName, IAsyncEnumerable<string> Lines);

/// <summary>Download the whole range of a client report as CSV.</summary>
/// <param name="ClientId">The client.</param>
/// <param name="Kind">Which report.</param>
/// <param name="From">Start (inclusive); default six years before the end.</param>
/// <param name="To">End (exclusive); default now.</param>
public sealed record ClientReportCsvCommand(ClientId ClientId, ClientReportKind Kind, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>Streams a client report as CSV, oldest first, in constant memory (<see cref="IAuditStore.StreamAsync"/>).</summary>
/// <remarks>
/// Authorized like <see cref="ClientReportHandler"/>, and checked and audited before the first line is produced, so a
/// refusal is an HTTP error, not a broken download. The download is a disclosure of the log: audited as
/// <see cref="AuditAction.Exported"/> with target type <c>disclosure-report</c> or <c>access-report</c>, the client id
/// and the names of the filters set. The file names the client by id only.
/// </remarks>
public sealed class ClientReportCsvHandler(ClientReportAccess access, IAuditStore store, IAuditLog audit, TimeProvider time)
{
    /// <summary>The CSV; throws <see cref="AccessDeniedException"/>, <see cref="RecordNotFoundException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task<ReportCsv> HandleAsync(ClientReportCsvCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var targetType = ReportAudit.TargetTypeOf(command.Kind);
        var reader = await access.RequireAsync(command.ClientId, AuditAction.Exported, targetType, client, ct);
        var window = await ReportAudit.RefusingInvalidInputAsync(
            audit, reader.Actor, client, AuditAction.Exported, targetType, command.ClientId,
            () => ClientReportHandler.Validate(new ClientReportCommand(command.ClientId, command.Kind, command.From, command.To), time.GetUtcNow()), ct);
        await ReportAudit.RecordAsync(
            audit, reader.Actor, client, AuditAction.Exported, AuditResult.Success, targetType, command.ClientId, ct,
            ("filters", ReportAudit.FilterNames(("client", true), ("from", command.From is not null), ("to", command.To is not null))),
            ("format", "csv"));

        var practiceId = reader.Actor.PracticeId;
        var query = ClientReportEvents.Query(command.ClientId, command.Kind, window);
        var fileName = $"{targetType}-{command.ClientId}-{window.To.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.csv";
        return new ReportCsv(fileName, LinesAsync(practiceId, query, ct));
    }

    private async IAsyncEnumerable<string> LinesAsync(PracticeId practiceId, AuditQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        yield return ClientReportEvents.CsvHeader;
        await foreach (var e in store.StreamAsync(practiceId, query, ct))
        {
            yield return ClientReportEvents.CsvLine(ClientReportEvents.Row(e));
        }
    }
}
