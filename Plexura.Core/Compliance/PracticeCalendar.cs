using Plexura.Core.Practices;

namespace Plexura.Core.Compliance;

/// <summary>Days and working hours of a practice's time zone as instants: where compliance statistics draw their lines.</summary>
/// <remarks>
/// A local time that does not exist (skipped when clocks go forward) is taken as the instant the clocks jumped, and
/// one that happens twice (clocks go back) as its first occurrence, so consecutive days and windows never overlap
/// and never leave a gap.
/// </remarks>
public static class PracticeCalendar
{
    /// <summary>The instant <paramref name="date"/> starts in <paramref name="zone"/>.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone) => ToInstant(date.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>The calendar day of <paramref name="instant"/> in <paramref name="zone"/>.</summary>
    public static DateOnly DateOf(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }

    /// <summary>The instant a wall-clock time of <paramref name="zone"/> names (see the remarks of the class).</summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(local))
        {
            return GapEnd(local, zone);
        }

        if (zone.IsAmbiguousTime(local))
        {
            // Twice: the first occurrence has the larger offset.
            offset = zone.GetAmbiguousTimeOffsets(local).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }

        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The instant the clocks jumped over <paramref name="local"/>: the first one whose wall-clock time is past it.</summary>
    /// <remarks>
    /// It lies between <paramref name="local"/> read with the offset after the jump (still before it) and with the
    /// offset before (already after it); transitions fall on whole minutes, so a walk by minutes finds it.
    /// </remarks>
    private static DateTimeOffset GapEnd(DateTime local, TimeZoneInfo zone)
    {
        var before = zone.GetUtcOffset(local.AddHours(-3));
        var after = zone.GetUtcOffset(local.AddHours(3));
        var instant = new DateTimeOffset(local, after).ToUniversalTime();
        var last = new DateTimeOffset(local, before).ToUniversalTime();
        instant = new DateTimeOffset(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        while (instant < last && TimeZoneInfo.ConvertTime(instant, zone).DateTime < local)
        {
            instant = instant.AddMinutes(1);
        }

        return instant;
    }

    /// <summary>
    /// The parts of [<paramref name="from"/>, <paramref name="to"/>) outside <paramref name="hours"/> in <paramref name="zone"/>,
    /// oldest first; the whole range when the hours are not valid.
    /// </summary>
    public static IReadOnlyList<AuditTimeWindow> OutsideHours(WorkingHours hours, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(hours);
        ArgumentNullException.ThrowIfNull(zone);
        if (from >= to)
        {
            return [];
        }

        if (!hours.IsValid)
        {
            return [new AuditTimeWindow(from, to)];
        }

        var outside = new List<AuditTimeWindow>();
        var cursor = from;
        for (var day = DateOf(from, zone).AddDays(-1); day <= DateOf(to, zone).AddDays(1); day = day.AddDays(1))
        {
            if (!hours.Days.Contains(day.DayOfWeek))
            {
                continue;
            }

            var opens = ToInstant(day.ToDateTime(hours.Opens), zone);
            var closes = ToInstant(day.ToDateTime(hours.Closes), zone);
            if (closes <= cursor || opens >= to)
            {
                continue;
            }

            if (opens > cursor)
            {
                outside.Add(new AuditTimeWindow(cursor, opens));
            }

            cursor = closes > cursor ? closes : cursor;
        }

        if (cursor < to)
        {
            outside.Add(new AuditTimeWindow(cursor, to));
        }

        return outside;
    }
}
