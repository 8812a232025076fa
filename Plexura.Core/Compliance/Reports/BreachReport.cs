using System.Globalization;
using System.Net;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;

namespace Plexura.Core.Compliance.Reports;

/// <summary>Which clients' PHI one actor, IP address or clinical session reached in a time window (§ 164.410).</summary>
/// <param name="Actor">Only what this member did: their user id or their email (a former member's too).</param>
/// <param name="SourceIp">Only what came from this IP address.</param>
/// <param name="SessionId">
/// Only what concerned this clinical session (events whose target or <c>session</c> detail is the session). The audit
/// events do not carry the sign-in session's id (only the sign-in event does), so a sign-in session is narrowed by
/// actor, IP and its time window instead.
/// </param>
/// <param name="From">Start (inclusive); default 30 days before the end.</param>
/// <param name="To">End (exclusive); default now.</param>
public sealed record BreachReportCommand(
    string? Actor = null, string? SourceIp = null, ClinicalSessionId? SessionId = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>One affected client: how often their PHI was reached, and when first and last.</summary>
/// <param name="ClientId">The client, by id (see <see cref="BreachReportHandler"/> for why no names).</param>
/// <param name="Views">PHI views, including a list or search page that showed the client's name.</param>
/// <param name="Exports">Exports.</param>
/// <param name="Pushes">EHR pushes.</param>
/// <param name="EmergencyAccesses">Break-glass accesses.</param>
/// <param name="First">The first time.</param>
/// <param name="Last">The last time.</param>
public sealed record BreachClientRow(ClientId ClientId, int Views, int Exports, int Pushes, int EmergencyAccesses, DateTimeOffset First, DateTimeOffset Last)
{
    /// <summary>All reaches together.</summary>
    public int Total => Views + Exports + Pushes + EmergencyAccesses;
}

/// <summary>The breach impact report.</summary>
/// <param name="Window">The range covered.</param>
/// <param name="Clients">The affected clients, first reached first.</param>
/// <param name="Events">How many audit events matched.</param>
public sealed record BreachReport(ReportWindow Window, IReadOnlyList<BreachClientRow> Clients, long Events);

/// <summary>Download the breach impact report as CSV.</summary>
/// <param name="Filter">The same filter as the report on screen.</param>
public sealed record BreachReportCsvCommand(BreachReportCommand Filter);

/// <summary>Builds the breach impact report from the audit log, for compliance staff, owners and admins.</summary>
/// <remarks>
/// <para>Allowed by <see cref="PracticePolicy.CanReadAuditLog"/> (with a second factor); a refusal is audited by the
/// practice gate. The report is audited as <see cref="AuditAction.AuditLogViewed"/> with target type <c>breach-report</c>
/// and the names of the filters set, never their values (an IP or a member id says whom the practice suspects).</para>
/// <para>The events are streamed oldest first (<see cref="IAuditStore.StreamAsync"/>) and folded into one row per client,
/// so memory grows with the number of affected clients, never with the number of events. Successful events only:
/// a refused attempt reached nothing. A list or search page that showed names counts as a view of each client it
/// listed (the event names them by id).</para>
/// <para>Clients are named by id only, for every reader. The report's audience is compliance staff, who never see
/// clinical records, and a breach may reach hundreds of clients: decrypting all their names onto one page would be a
/// second bulk disclosure. A member who may view a client opens it from its id through the audited client page.</para>
/// </remarks>
public sealed class BreachReportHandler(PracticeAccessGate gate, IAuditStore store, IAuditLog audit, IUserRepository users, TimeProvider time)
{
    /// <summary>The default window: the last 30 days.</summary>
    public static readonly TimeSpan DefaultSpan = TimeSpan.FromDays(30);

    /// <summary>Shown for a source IP that is not an IP address.</summary>
    public const string BadIpMessage = "The source IP must be an IPv4 or IPv6 address.";

    /// <summary>Shown for an actor that is neither a user id nor an email.</summary>
    public const string BadActorMessage = "Name the member by email or by user id.";

    /// <summary>The actions whose events reach a client's PHI.</summary>
    private static readonly IReadOnlyList<AuditAction> Reaching = [AuditAction.PhiViewed, AuditAction.Exported, AuditAction.EhrPushed, AuditAction.EmergencyAccess];

    /// <summary>The report; throws <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public Task<BreachReport> HandleAsync(BreachReportCommand command, ClientInfo client, CancellationToken ct) =>
        RunAsync(command, AuditAction.AuditLogViewed, [("format", "screen")], client, ct);

    /// <summary>Authorizes, validates, audits as <paramref name="action"/>, and builds the report.</summary>
    internal async Task<BreachReport> RunAsync(BreachReportCommand command, AuditAction action, (string Key, string Value)[] extra, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanReadAuditLog, action, ReportAudit.BreachReport, client, ct);
        var (window, ip, actorRef) = await ReportAudit.RefusingInvalidInputAsync(
            audit, actor, client, action, ReportAudit.BreachReport, null, () => Validate(command, time.GetUtcNow()), ct);
        var actorId = actorRef switch
        {
            null => (UserId?)null,
            { Id: { } id } => id,
            // An email that names no account matches no event: an id nobody has.
            { Email: { } email } => (await users.FindByEmailAsync(email, ct))?.Id ?? new UserId(Guid.Empty),
            _ => null,
        };
        await ReportAudit.RecordAsync(
            audit, actor, client, action, AuditResult.Success, ReportAudit.BreachReport, null, ct,
            [
                ("filters", ReportAudit.FilterNames(
                    ("actor", actorRef is not null), ("ip", ip is not null), ("session", command.SessionId is not null),
                    ("from", command.From is not null), ("to", command.To is not null))),
                .. extra,
            ]);

        var query = new AuditQuery(
            From: window.From, To: window.To, ActorUserId: actorId, SourceIp: ip, Result: AuditResult.Success, Actions: Reaching);
        var session = command.SessionId?.ToString();
        var rows = new Dictionary<ClientId, Tally>();
        long count = 0;
        await foreach (var e in store.StreamAsync(actor.PracticeId, query, ct))
        {
            if (session is not null && !Concerns(e, session))
            {
                continue;
            }

            var reached = ClientsOf(e);
            if (reached.Count == 0)
            {
                continue;
            }

            count++;
            foreach (var id in reached)
            {
                if (!rows.TryGetValue(id, out var tally))
                {
                    tally = new Tally(e.Timestamp);
                    rows[id] = tally;
                }

                tally.Add(e);
            }
        }

        return new BreachReport(
            window,
            [.. rows.Select(r => r.Value.ToRow(r.Key)).OrderBy(r => r.First).ThenBy(r => r.ClientId.Value)],
            count);
    }

    /// <summary>The window, the normalized IP and the actor of <paramref name="command"/>.</summary>
    internal static (ReportWindow Window, string? Ip, ActorRef? Actor) Validate(BreachReportCommand command, DateTimeOffset now)
    {
        ActorRef? actor = null;
        if (!string.IsNullOrWhiteSpace(command.Actor))
        {
            var text = command.Actor.Trim();
            if (UserId.TryParse(text, CultureInfo.InvariantCulture, out var id) && id.Value != Guid.Empty)
            {
                actor = new ActorRef(id, null);
            }
            else if (text.Length <= 320 && text.IndexOf('@', StringComparison.Ordinal) > 0)
            {
                actor = new ActorRef(null, text);
            }
            else
            {
                throw new ValidationFailedException(BadActorMessage);
            }
        }

        string? ip = null;
        if (!string.IsNullOrWhiteSpace(command.SourceIp))
        {
            if (command.SourceIp.Length > 64 || !IPAddress.TryParse(command.SourceIp.Trim(), out var address))
            {
                throw new ValidationFailedException(BadIpMessage);
            }

            ip = address.ToString();
        }

        return (ReportWindow.Resolve(command.From, command.To, now, DefaultSpan), ip, actor);
    }

    /// <summary>Whether the event concerns the clinical session: as its target, or named in its <c>session</c> detail.</summary>
    private static bool Concerns(AuditEvent e, string session) =>
        string.Equals(e.TargetId, session, StringComparison.OrdinalIgnoreCase)
        || (e.Details.TryGetValue("session", out var named) && string.Equals(named, session, StringComparison.OrdinalIgnoreCase))
        || (e.Details.TryGetValue("sessionId", out var id) && string.Equals(id, session, StringComparison.OrdinalIgnoreCase));

    /// <summary>The clients an event reached: its client, or the clients a list or search page showed.</summary>
    private static List<ClientId> ClientsOf(AuditEvent e)
    {
        if (ClientId.TryParse(e.ClientId, CultureInfo.InvariantCulture, out var one) && one.Value != Guid.Empty)
        {
            return [one];
        }

        if (e.Action != AuditAction.PhiViewed || !e.Details.ContainsKey(ShownClients.CountKey))
        {
            return [];
        }

        try
        {
            return [.. ShownClients.Read(e.Details).Distinct()];
        }
        catch (FormatException)
        {
            // Details are written by the app; a malformed one reached no client we can name.
            return [];
        }
    }

    /// <summary>The actor named by id or by email.</summary>
    internal sealed record ActorRef(UserId? Id, string? Email);

    private sealed class Tally(DateTimeOffset first)
    {
        private readonly DateTimeOffset _first = first;
        private int _views;
        private int _exports;
        private int _pushes;
        private int _emergency;
        private DateTimeOffset _last = first;

        public void Add(AuditEvent e)
        {
            switch (e.Action)
            {
                case AuditAction.Exported:
                    _exports++;
                    break;
                case AuditAction.EhrPushed:
                    _pushes++;
                    break;
                case AuditAction.EmergencyAccess:
                    _emergency++;
                    break;
                default:
                    _views++;
                    break;
            }

            _last = e.Timestamp > _last ? e.Timestamp : _last;
        }

        public BreachClientRow ToRow(ClientId id) => new(id, _views, _exports, _pushes, _emergency, _first, _last);
    }
}

/// <summary>The breach impact report as CSV, one line per affected client.</summary>
/// <remarks>
/// Authorized and validated like <see cref="BreachReportHandler"/>; audited as <see cref="AuditAction.Exported"/>
/// with target type <c>breach-report</c> and the filter names. The report is folded before the first line is written
/// (one row per client), so memory is bounded by the number of clients, not events.
/// </remarks>
public sealed class BreachReportCsvHandler(BreachReportHandler report)
{
    /// <summary>The CSV header.</summary>
    public const string CsvHeader = "client_id,views,exports,ehr_pushes,emergency_accesses,total,first_utc,last_utc";

    /// <summary>The CSV; throws <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task<ReportCsv> HandleAsync(BreachReportCsvCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var built = await report.RunAsync(command.Filter, AuditAction.Exported, [("format", "csv")], client, ct);
        var fileName = $"breach-report-{built.Window.To.UtcDateTime.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}.csv";
        return new ReportCsv(fileName, Lines(built).ToAsyncEnumerable());
    }

    private static IEnumerable<string> Lines(BreachReport built)
    {
        yield return CsvHeader;
        foreach (var row in built.Clients)
        {
            yield return Csv.Line(
                row.ClientId.ToString(),
                row.Views.ToString(CultureInfo.InvariantCulture),
                row.Exports.ToString(CultureInfo.InvariantCulture),
                row.Pushes.ToString(CultureInfo.InvariantCulture),
                row.EmergencyAccesses.ToString(CultureInfo.InvariantCulture),
                row.Total.ToString(CultureInfo.InvariantCulture),
                Csv.Time(row.First),
                Csv.Time(row.Last));
        }
    }
}
