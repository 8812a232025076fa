using System.Globalization;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Auditing;

/// <summary>
/// The per-day statistics of closed days read from <see cref="Collections.AuditDayStats"/> instead of the events;
/// only days still open (today, and a day that ended less than <see cref="ClosingMargin"/> ago) are counted live.
/// </summary>
/// <remarks>
/// The audit log is append-only and an event's timestamp is taken when it is recorded, just before the append, so once
/// a day of a zone has ended (plus the margin an append can take under contention) no event can still land in it and
/// its counts are final: the first view counts and stores them, later views read one document per day. Windowed counts
/// (<see cref="CountByAsync"/>: distinct clients over several days do not add up per day) go to the engine's adapter.
/// Every read and write is scoped to the practice asked about; the key also names the zone, so a practice that
/// changes its zone gets fresh days.
/// </remarks>
internal sealed class CachedAuditStatistics(IAuditStatistics live, IDocumentStore store, TimeProvider time) : IAuditStatistics
{
    /// <summary>How long after a day ends it may still receive an event (timestamped before a slow append); counted live meanwhile.</summary>
    public static readonly TimeSpan ClosingMargin = TimeSpan.FromMinutes(15);

    /// <summary>The cache kind of <see cref="CountByDayAsync"/>.</summary>
    public const string DayCountsKind = "day-counts";

    /// <summary>The cache kind prefix of <see cref="DistinctClientsByActorAndDayAsync"/> (followed by the sorted action names).</summary>
    public const string ActorClientsKind = "actor-clients:";

    private readonly IDocumentCollection<AuditDayStats> _cache = store.Collection(Collections.AuditDayStats);

    public Task<IReadOnlyList<AuditDayCount>> CountByDayAsync(PracticeId practiceId, AuditDays days, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(days);
        return ByDayAsync(
            practiceId,
            days,
            DayCountsKind,
            d => live.CountByDayAsync(practiceId, d, ct),
            r => r.Day,
            r => new AuditDayStatsRow(r.Action.ToString(), r.Result.ToString(), null, r.Count),
            (day, r) => new AuditDayCount(day, Enum.Parse<AuditAction>(r.Action!), Enum.Parse<AuditResult>(r.Result!), r.Count),
            ct);
    }

    public Task<IReadOnlyList<AuditGroupCount>> CountByAsync(PracticeId practiceId, AuditGrouping grouping, CancellationToken ct) =>
        live.CountByAsync(practiceId, grouping, ct);

    public Task<IReadOnlyList<AuditActorDayClients>> DistinctClientsByActorAndDayAsync(
        PracticeId practiceId, AuditDays days, IReadOnlyList<AuditAction> actions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0)
        {
            return live.DistinctClientsByActorAndDayAsync(practiceId, days, actions, ct);
        }

        var kind = ActorClientsKind + string.Join(",", actions.Distinct().Select(a => a.ToString()).Order(StringComparer.Ordinal));
        return ByDayAsync(
            practiceId,
            days,
            kind,
            d => live.DistinctClientsByActorAndDayAsync(practiceId, d, actions, ct),
            r => r.Day,
            r => new AuditDayStatsRow(null, null, r.ActorUserId.ToString(), r.DistinctClients),
            (day, r) => new AuditActorDayClients(UserId.Parse(r.Actor!, CultureInfo.InvariantCulture), day, r.Count),
            ct);
    }

    /// <summary>How many of <paramref name="days"/>, from the first, are closed at <paramref name="now"/>.</summary>
    internal static int ClosedDays(AuditDays days, DateTimeOffset now)
    {
        var boundaries = days.Boundaries();
        var closed = 0;
        while (closed < days.Count && boundaries[closed + 1] <= now - ClosingMargin)
        {
            closed++;
        }

        return closed;
    }

    /// <summary>The cache key of one day of one statistic of one practice (document ids are unique across practices).</summary>
    internal static string Key(PracticeId practiceId, string kind, string zoneId, DateOnly day) =>
        $"{practiceId}|{kind}|{zoneId}|{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    private async Task<IReadOnlyList<TRow>> ByDayAsync<TRow>(
        PracticeId practiceId,
        AuditDays days,
        string kind,
        Func<AuditDays, Task<IReadOnlyList<TRow>>> count,
        Func<TRow, DateOnly> dayOf,
        Func<TRow, AuditDayStatsRow> toStored,
        Func<DateOnly, AuditDayStatsRow, TRow> fromStored,
        CancellationToken ct)
    {
        var closed = ClosedDays(days, time.GetUtcNow());
        if (closed == 0)
        {
            return await count(days);
        }

        var scope = DocumentScope.Practice(practiceId);
        var lastClosed = days.First.AddDays(closed - 1);
        var cached = (await _cache.FindPageAsync(
                scope, new DocumentPageQuery(closed) { AfterId = Key(practiceId, kind, days.TimeZoneId, days.First.AddDays(-1)) }, ct))
            .Where(d => d.PracticeId == practiceId && d.Kind == kind && d.TimeZoneId == days.TimeZoneId && d.Day >= days.First && d.Day <= lastClosed)
            .ToDictionary(d => d.Day);

        var rows = new List<TRow>();
        foreach (var doc in cached.Values.OrderBy(d => d.Day))
        {
            rows.AddRange(doc.Rows.Select(r => fromStored(doc.Day, r)));
        }

        // The days not cached, in runs of consecutive days: one live count per run.
        var index = 0;
        while (index < days.Count)
        {
            if (cached.ContainsKey(days.First.AddDays(index)))
            {
                index++;
                continue;
            }

            var start = index;
            while (index < days.Count && !cached.ContainsKey(days.First.AddDays(index)))
            {
                index++;
            }

            var run = new AuditDays(days.First.AddDays(start), index - start, days.TimeZoneId);
            var counted = await count(run);
            rows.AddRange(counted);
            var byDay = counted.ToLookup(dayOf);
            for (var i = start; i < Math.Min(index, closed); i++)
            {
                var day = days.First.AddDays(i);
                await StoreAsync(scope, practiceId, kind, days.TimeZoneId, day, [.. byDay[day].Select(toStored)], ct);
            }
        }

        return rows;
    }

    private async Task StoreAsync(
        DocumentScope scope, PracticeId practiceId, string kind, string zoneId, DateOnly day, IReadOnlyList<AuditDayStatsRow> rows, CancellationToken ct)
    {
        try
        {
            await _cache.InsertAsync(scope, new AuditDayStats(Key(practiceId, kind, zoneId, day), practiceId, kind, zoneId, day, rows, time.GetUtcNow()), ct);
        }
        catch (DuplicateRecordException)
        {
            // Another view counted and stored the same closed day first: the counts are the same.
        }
    }
}
