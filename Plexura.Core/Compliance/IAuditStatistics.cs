using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Practices;

namespace Plexura.Core.Compliance;

/// <summary>
/// Counts over one practice's audit events, computed by the database (SQLite GROUP BY, MongoDB aggregate) so a
/// compliance chart over a million events never streams the events themselves into the app.
/// </summary>
/// <remarks>Every method reads the practice named first and no other; nothing is returned about single events.</remarks>
public interface IAuditStatistics
{
    /// <summary>The events of each day of <paramref name="days"/> (days of the practice's time zone), by action and result.</summary>
    /// <returns>One row per day, action and result that occurred; days without events have no row.</returns>
    Task<IReadOnlyList<AuditDayCount>> CountByDayAsync(PracticeId practiceId, AuditDays days, CancellationToken ct);

    /// <summary>The events inside any of <see cref="AuditGrouping.Windows"/> that match its filters, counted by its key.</summary>
    /// <returns>The groups with at least <see cref="AuditGrouping.MinCount"/> events, largest first (ties by key), at most <see cref="AuditGrouping.Limit"/>.</returns>
    Task<IReadOnlyList<AuditGroupCount>> CountByAsync(PracticeId practiceId, AuditGrouping grouping, CancellationToken ct);

    /// <summary>
    /// For each member and day of <paramref name="days"/>: how many distinct clients their events with one of
    /// <paramref name="actions"/> named (events without a client or without a member are not counted).
    /// </summary>
    Task<IReadOnlyList<AuditActorDayClients>> DistinctClientsByActorAndDayAsync(
        PracticeId practiceId, AuditDays days, IReadOnlyList<AuditAction> actions, CancellationToken ct);
}

/// <summary>Consecutive calendar days in a time zone.</summary>
/// <param name="First">The first day.</param>
/// <param name="Count">How many days (1..<see cref="MaxCount"/>).</param>
/// <param name="TimeZoneId">The IANA zone whose calendar the days follow (the practice's).</param>
public sealed record AuditDays(DateOnly First, int Count, string TimeZoneId)
{
    /// <summary>The longest range a statistic covers: a year and a day.</summary>
    public const int MaxCount = 366;

    /// <summary>The last day.</summary>
    public DateOnly Last => First.AddDays(Count - 1);

    /// <summary>The zone (UTC when the id is unknown).</summary>
    public TimeZoneInfo Zone => PracticeTimeZone.Find(TimeZoneId);

    /// <summary>Each day, oldest first.</summary>
    public IEnumerable<DateOnly> Each() => Enumerable.Range(0, Count).Select(First.AddDays);

    /// <summary>The instant each day starts, then the instant the last one ends: <see cref="Count"/> + 1 boundaries.</summary>
    public IReadOnlyList<DateTimeOffset> Boundaries()
    {
        Validate();
        var zone = Zone;
        return [.. Enumerable.Range(0, Count + 1).Select(i => PracticeCalendar.StartOfDay(First.AddDays(i), zone))];
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when the count is outside 1..<see cref="MaxCount"/>.</summary>
    public void Validate() => ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)Count - 1, (uint)MaxCount - 1, nameof(Count));
}

/// <summary>How many events of one action and result a day had.</summary>
public sealed record AuditDayCount(DateOnly Day, AuditAction Action, AuditResult Result, long Count);

/// <summary>What <see cref="IAuditStatistics.CountByAsync"/> groups by.</summary>
public enum AuditGroupKey
{
    /// <summary>The member who acted (<see cref="AuditEvent.ActorUserId"/>; events without one form one group with a null key).</summary>
    Actor,

    /// <summary>The source IP address (events without one form one group with a null key).</summary>
    SourceIp,
}

/// <summary>A time window: <paramref name="From"/> inclusive, <paramref name="To"/> exclusive.</summary>
public sealed record AuditTimeWindow(DateTimeOffset From, DateTimeOffset To);

/// <summary>Which events <see cref="IAuditStatistics.CountByAsync"/> counts, and how.</summary>
/// <param name="Windows">Time windows; an event inside any of them counts (1..<see cref="MaxWindows"/>, each non-empty).</param>
/// <param name="Key">What the events are grouped by.</param>
/// <param name="Actions">Only these actions, when set.</param>
/// <param name="Result">Only this result, when set.</param>
/// <param name="MinCount">Groups with fewer events are left out.</param>
/// <param name="Limit">At most this many groups (1..1,000).</param>
public sealed record AuditGrouping(
    IReadOnlyList<AuditTimeWindow> Windows,
    AuditGroupKey Key,
    IReadOnlyList<AuditAction>? Actions = null,
    AuditResult? Result = null,
    long MinCount = 1,
    int Limit = 100)
{
    /// <summary>Most windows in one grouping (a year of out-of-hours windows is about 750).</summary>
    public const int MaxWindows = 1_000;

    /// <summary>Throws <see cref="ArgumentException"/> when the grouping is malformed.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Windows);
        if (Windows.Count is 0 or > MaxWindows || Windows.Any(w => w.From >= w.To))
        {
            throw new ArgumentException($"A grouping needs 1-{MaxWindows} non-empty windows.", nameof(Windows));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MinCount, 1, nameof(MinCount));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)Limit - 1, 999u, nameof(Limit));
    }
}

/// <summary>One group of <see cref="IAuditStatistics.CountByAsync"/>.</summary>
/// <param name="Key">The member's user id or the IP address, as stored; null for events without one.</param>
/// <param name="Count">How many events.</param>
/// <param name="DistinctClients">How many distinct clients they named.</param>
/// <param name="First">The earliest event's time.</param>
/// <param name="Last">The latest event's time.</param>
public sealed record AuditGroupCount(string? Key, long Count, long DistinctClients, DateTimeOffset First, DateTimeOffset Last);

/// <summary>How many distinct clients one member's events named on one day.</summary>
public sealed record AuditActorDayClients(UserId ActorUserId, DateOnly Day, long DistinctClients);

/// <summary>Helpers the statistics adapters share.</summary>
public static class AuditWindows
{
    /// <summary>The windows sorted, with overlapping and touching ones merged: an event is then inside at most one.</summary>
    public static IReadOnlyList<AuditTimeWindow> Merge(IEnumerable<AuditTimeWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var merged = new List<AuditTimeWindow>();
        foreach (var window in windows.OrderBy(w => w.From))
        {
            if (merged.Count > 0 && window.From <= merged[^1].To)
            {
                if (window.To > merged[^1].To)
                {
                    merged[^1] = merged[^1] with { To = window.To };
                }
            }
            else
            {
                merged.Add(window);
            }
        }

        return merged;
    }
}
