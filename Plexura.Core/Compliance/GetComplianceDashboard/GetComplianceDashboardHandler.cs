using System.Globalization;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Checkpoints;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;

namespace Plexura.Core.Compliance.GetComplianceDashboard;

/// <summary>Show the compliance dashboard over the last <paramref name="Days"/> days (today included, in the practice's time zone).</summary>
/// <param name="Days">1..<see cref="AuditDays.MaxCount"/>; the page offers 7, 30, 90 and 365.</param>
public sealed record GetComplianceDashboardQuery(int Days = GetComplianceDashboardQuery.DefaultDays)
{
    /// <summary>The range the dashboard opens with.</summary>
    public const int DefaultDays = 30;
}

/// <summary>The compliance dashboard: charts per day and per member, and the investigation cards.</summary>
/// <param name="TimeZoneId">The practice's time zone, which the days follow.</param>
/// <param name="Days">The days of the charts, oldest first.</param>
/// <param name="From">When the first day starts.</param>
/// <param name="To">When the last day ends.</param>
/// <param name="Now">When the dashboard was computed.</param>
/// <param name="EventsByAction">Events per day for each action that occurred, busiest first.</param>
/// <param name="SignInFailures">Failed sign-ins per day.</param>
/// <param name="Denials">Refused actions (result Denied) per day.</param>
/// <param name="Exports">Exports per day.</param>
/// <param name="Pushes">Notes pushed to an EHR per day.</param>
/// <param name="PhiViewsByMember">PHI views in the range per member, most first (at most <see cref="GetComplianceDashboardHandler.MaxMembers"/>).</param>
/// <param name="FailedSignIns">The failed sign-in card.</param>
/// <param name="UnusualAccess">The member-opening-many-clients card.</param>
/// <param name="AfterHours">The access-outside-working-hours card.</param>
/// <param name="BreakGlass">The break-glass card.</param>
/// <param name="Chain">The chain-verification card.</param>
public sealed record ComplianceDashboard(
    string TimeZoneId,
    IReadOnlyList<DateOnly> Days,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset Now,
    IReadOnlyList<DailySeries> EventsByAction,
    IReadOnlyList<long> SignInFailures,
    IReadOnlyList<long> Denials,
    IReadOnlyList<long> Exports,
    IReadOnlyList<long> Pushes,
    IReadOnlyList<MemberActivity> PhiViewsByMember,
    InvestigationCard FailedSignIns,
    InvestigationCard UnusualAccess,
    AfterHoursCard AfterHours,
    InvestigationCard BreakGlass,
    ChainCard Chain);

/// <summary>Counts per day of one action, aligned with <see cref="ComplianceDashboard.Days"/>.</summary>
public sealed record DailySeries(AuditAction Action, IReadOnlyList<long> Counts)
{
    /// <summary>The total over the range.</summary>
    public long Total => Counts.Sum();
}

/// <summary>One member's activity in the range.</summary>
/// <param name="UserId">The member's account (null for events without one).</param>
/// <param name="Name">The member's display name, or a plain description when unknown.</param>
/// <param name="Count">How many events.</param>
/// <param name="DistinctClients">How many distinct clients they concerned.</param>
public sealed record MemberActivity(UserId? UserId, string Name, long Count, long DistinctClients);

/// <summary>A filter of the audit log page that shows the events behind a card (ids, enum names and times only: never PHI).</summary>
public sealed record AuditLogFilter(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    AuditAction? Action = null,
    UserId? Actor = null,
    AuditResult? Result = null,
    string? SourceIp = null);

/// <summary>One finding of a card.</summary>
/// <param name="Label">What it is about (a member's name or an IP address).</param>
/// <param name="Count">How many events (or distinct clients, for unusual access).</param>
/// <param name="Detail">One plain sentence explaining it.</param>
/// <param name="Filter">The audit log filter that shows its events.</param>
public sealed record InvestigationItem(string Label, long Count, string Detail, AuditLogFilter Filter);

/// <summary>An investigation card: how many findings, each with a link, and the filter of them all.</summary>
public sealed record InvestigationCard(IReadOnlyList<InvestigationItem> Items, AuditLogFilter Filter)
{
    /// <summary>How many findings.</summary>
    public int Count => Items.Count;
}

/// <summary>The outside-working-hours card: findings when the practice set its working hours.</summary>
/// <param name="HoursSet">Whether the practice set working hours (without them nothing counts as outside).</param>
/// <param name="Hours">The working hours, when set.</param>
/// <param name="Card">The findings (empty when the hours are not set).</param>
public sealed record AfterHoursCard(bool HoursSet, WorkingHours? Hours, InvestigationCard Card);

/// <summary>The chain card: the latest stored verification, or null when the chain was never verified.</summary>
public sealed record ChainCard(AuditVerificationSummary? Latest)
{
    /// <summary>Whether the latest verification found the chain broken.</summary>
    public bool IsBroken => Latest is { IsValid: false };
}

/// <summary>Computes the compliance dashboard (HIPAA statements 3.5 and 5.2) from database-side counts.</summary>
/// <remarks>
/// Owners, admins and compliance staff with a second factor (<see cref="PracticePolicy.CanReadAuditLog"/>); each view
/// is audited as <see cref="AuditAction.AuditLogViewed"/> on target <c>audit-dashboard</c> with the range only. Every
/// count comes from <see cref="IAuditStatistics"/> over the caller's practice, so the cost does not grow with the
/// events read into the app; the chain card reads the latest stored verification rather than verifying on the spot.
/// </remarks>
public sealed class GetComplianceDashboardHandler(
    PracticeAccessGate gate,
    IAuditStatistics statistics,
    IAuditVerificationResults verifications,
    IPracticeRepository practices,
    IMembershipRepository memberships,
    IUserRepository users,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>The audit target of a dashboard view.</summary>
    public const string Target = "audit-dashboard";

    /// <summary>Most members in the PHI-views chart and per card.</summary>
    public const int MaxMembers = 20;

    /// <summary>Shown for a range outside 1..366 days.</summary>
    public const string BadRangeMessage = "Choose a range of 1 to 366 days.";

    /// <summary>The dashboard; throws <see cref="AccessDeniedException"/> when not allowed, <see cref="ValidationFailedException"/> for a bad range.</summary>
    public async Task<ComplianceDashboard> HandleAsync(GetComplianceDashboardQuery query, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanReadAuditLog, AuditAction.AuditLogViewed, Target, client, ct);
        if (query.Days is < 1 or > AuditDays.MaxCount)
        {
            throw new ValidationFailedException(BadRangeMessage);
        }

        var practice = await practices.GetAsync(actor.PracticeId, ct) ?? throw new RecordNotFoundException("practice");
        var zone = PracticeTimeZone.Find(practice.TimeZoneId);
        var now = time.GetUtcNow();
        var today = PracticeCalendar.DateOf(now, zone);
        var days = new AuditDays(today.AddDays(1 - query.Days), query.Days, practice.TimeZoneId);
        var boundaries = days.Boundaries();
        var from = boundaries[0];
        var to = boundaries[^1];
        var range = new AuditTimeWindow(from, to);
        var names = await MemberNamesAsync(actor.PracticeId, ct);
        var pid = actor.PracticeId;

        var daily = await statistics.CountByDayAsync(pid, days, ct);
        var dayIndex = days.Each().Select((d, i) => (d, i)).ToDictionary(p => p.d, p => p.i);
        long[] Series(Func<AuditDayCount, bool> match)
        {
            var counts = new long[days.Count];
            foreach (var row in daily.Where(match))
            {
                if (dayIndex.TryGetValue(row.Day, out var i))
                {
                    counts[i] += row.Count;
                }
            }

            return counts;
        }

        var byAction = daily.Select(r => r.Action).Distinct()
            .Select(a => new DailySeries(a, Series(r => r.Action == a)))
            .OrderByDescending(s => s.Total).ThenBy(s => s.Action)
            .ToList();

        var phiViews = await statistics.CountByAsync(pid, new AuditGrouping([range], AuditGroupKey.Actor, [AuditAction.PhiViewed], Limit: MaxMembers), ct);

        var dashboard = new ComplianceDashboard(
            practice.TimeZoneId,
            [.. days.Each()],
            from,
            to,
            now,
            byAction,
            Series(r => r.Action == AuditAction.SignInFailed),
            Series(r => r.Result == AuditResult.Denied),
            Series(r => r.Action == AuditAction.Exported),
            Series(r => r.Action == AuditAction.EhrPushed),
            [.. phiViews.Select(g => new MemberActivity(ParseUser(g.Key), NameOf(names, g.Key), g.Count, g.DistinctClients))],
            await FailedSignInsAsync(pid, now, names, ct),
            await UnusualAccessAsync(pid, now, today, practice.TimeZoneId, names, ct),
            await AfterHoursAsync(pid, practice, zone, range, now, names, ct),
            await BreakGlassAsync(pid, range, names, ct),
            new ChainCard(await verifications.LatestAsync(pid, ct)));

        await audit.RecordAsync(
            new AuditEntry(
                pid,
                new AuditActor(actor.UserId, actor.Email),
                client.SourceIp,
                client.UserAgent,
                AuditAction.AuditLogViewed,
                Target,
                null,
                null,
                AuditResult.Success,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["days"] = query.Days.ToString(CultureInfo.InvariantCulture) }),
            ct);
        return dashboard;
    }

    private async Task<InvestigationCard> FailedSignInsAsync(PracticeId pid, DateTimeOffset now, IReadOnlyDictionary<string, string> names, CancellationToken ct)
    {
        var window = RecentWindow(now);
        var hours = (int)InvestigationRules.RecentWindow.TotalHours;
        var accounts = await statistics.CountByAsync(
            pid, new AuditGrouping([window], AuditGroupKey.Actor, [AuditAction.SignInFailed], MinCount: InvestigationRules.FailedSignInsPerAccount, Limit: MaxMembers), ct);
        var addresses = await statistics.CountByAsync(
            pid, new AuditGrouping([window], AuditGroupKey.SourceIp, [AuditAction.SignInFailed], MinCount: InvestigationRules.FailedSignInsPerIp, Limit: MaxMembers), ct);
        var items = new List<InvestigationItem>();
        items.AddRange(accounts.Where(g => g.Key is not null).Select(g => new InvestigationItem(
            NameOf(names, g.Key),
            g.Count,
            $"{g.Count} failed sign-ins to this account in {hours} hours.",
            new AuditLogFilter(window.From, window.To, AuditAction.SignInFailed, Actor: ParseUser(g.Key)))));
        items.AddRange(addresses.Where(g => g.Key is not null).Select(g => new InvestigationItem(
            g.Key!,
            g.Count,
            $"{g.Count} failed sign-ins from this address in {hours} hours.",
            new AuditLogFilter(window.From, window.To, AuditAction.SignInFailed, SourceIp: g.Key))));
        return new InvestigationCard(items, new AuditLogFilter(window.From, window.To, AuditAction.SignInFailed));
    }

    private async Task<InvestigationCard> UnusualAccessAsync(
        PracticeId pid, DateTimeOffset now, DateOnly today, string zoneId, IReadOnlyDictionary<string, string> names, CancellationToken ct)
    {
        var window = RecentWindow(now);
        var recent = await statistics.CountByAsync(
            pid, new AuditGrouping([window], AuditGroupKey.Actor, InvestigationRules.ClientOpenings, Limit: 1_000), ct);
        var baselineDays = new AuditDays(today.AddDays(-InvestigationRules.BaselineDays), InvestigationRules.BaselineDays, zoneId);
        var history = (await statistics.DistinctClientsByActorAndDayAsync(pid, baselineDays, InvestigationRules.ClientOpenings, ct))
            .Where(r => r.DistinctClients > 0)
            .GroupBy(r => r.ActorUserId.ToString())
            .ToDictionary(g => g.Key, g => (IReadOnlyList<long>)[.. g.Select(r => r.DistinctClients)], StringComparer.Ordinal);
        var items = new List<InvestigationItem>();
        foreach (var group in recent.Where(g => g.Key is not null).OrderByDescending(g => g.DistinctClients).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            var verdict = InvestigationRules.JudgeClientOpenings(group.DistinctClients, history.GetValueOrDefault(group.Key!, []));
            if (!verdict.IsUnusual || items.Count >= MaxMembers)
            {
                continue;
            }

            var detail = verdict.Baseline is { } baseline
                ? $"Opened {group.DistinctClients} clients in 24 hours; usually {baseline.ToString("0.#", CultureInfo.InvariantCulture)} a day."
                : $"Opened {group.DistinctClients} clients in 24 hours, with too little history for a usual number.";
            items.Add(new InvestigationItem(
                NameOf(names, group.Key), group.DistinctClients, detail, new AuditLogFilter(window.From, window.To, AuditAction.PhiViewed, ParseUser(group.Key))));
        }

        return new InvestigationCard(items, new AuditLogFilter(window.From, window.To, AuditAction.PhiViewed));
    }

    private async Task<AfterHoursCard> AfterHoursAsync(
        PracticeId pid, Practice practice, TimeZoneInfo zone, AuditTimeWindow range, DateTimeOffset now, IReadOnlyDictionary<string, string> names, CancellationToken ct)
    {
        var all = new AuditLogFilter(range.From, range.To);
        if (practice.WorkingHours is not { IsValid: true } hours)
        {
            return new AfterHoursCard(false, null, new InvestigationCard([], all));
        }

        var end = now < range.To ? now.AddSeconds(1) : range.To;
        var windows = PracticeCalendar.OutsideHours(hours, zone, range.From, end);
        if (windows.Count == 0)
        {
            return new AfterHoursCard(true, hours, new InvestigationCard([], all));
        }

        var groups = await statistics.CountByAsync(pid, new AuditGrouping(windows, AuditGroupKey.Actor, InvestigationRules.PhiAccess, Limit: MaxMembers), ct);
        var items = groups.Select(g => new InvestigationItem(
            NameOf(names, g.Key),
            g.Count,
            $"{g.Count} accesses to client records outside working hours ({g.DistinctClients} clients).",
            new AuditLogFilter(range.From, range.To, Actor: ParseUser(g.Key)))).ToList();
        return new AfterHoursCard(true, hours, new InvestigationCard(items, all));
    }

    private async Task<InvestigationCard> BreakGlassAsync(PracticeId pid, AuditTimeWindow range, IReadOnlyDictionary<string, string> names, CancellationToken ct)
    {
        var groups = await statistics.CountByAsync(pid, new AuditGrouping([range], AuditGroupKey.Actor, [AuditAction.EmergencyAccess], Limit: MaxMembers), ct);
        var items = groups.Select(g => new InvestigationItem(
            NameOf(names, g.Key),
            g.Count,
            $"{g.Count} emergency access events for {g.DistinctClients} clients.",
            new AuditLogFilter(range.From, range.To, AuditAction.EmergencyAccess, ParseUser(g.Key)))).ToList();
        return new InvestigationCard(items, new AuditLogFilter(range.From, range.To, AuditAction.EmergencyAccess));
    }

    private static AuditTimeWindow RecentWindow(DateTimeOffset now) =>
        new(now - InvestigationRules.RecentWindow, now.AddSeconds(1));

    /// <summary>Display names of the practice's members by user id (account fields only, never PHI).</summary>
    private async Task<IReadOnlyDictionary<string, string>> MemberNamesAsync(PracticeId pid, CancellationToken ct)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var membership in await memberships.ListAsync(pid, ct))
        {
            if (await users.GetAsync(membership.UserId, ct) is { } user)
            {
                names[user.Id.ToString()] = user.DisplayName;
            }
        }

        return names;
    }

    private static string NameOf(IReadOnlyDictionary<string, string> names, string? userId) =>
        userId is null ? "No signed-in member" : names.TryGetValue(userId, out var name) ? name : "Former member";

    private static UserId? ParseUser(string? key) =>
        key is not null && UserId.TryParse(key, CultureInfo.InvariantCulture, out var id) ? id : null;
}
