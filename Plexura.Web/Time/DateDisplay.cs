using System.Globalization;

namespace Plexura.Web.Time;

/// <summary>How dates and times read on every page (UX rule 3): in the practice's zone, "Tue 3 Dec, 14:05", relative where it helps.</summary>
/// <remarks>
/// Pure functions of the instant, the zone and "now", so every rule is tested without a page. English day and month
/// names whatever the server's culture (the app runs with invariant globalization); the year is shown only when it is
/// not the current year in the practice's zone.
/// </remarks>
public static class DateDisplay
{
    private const string DayFormat = "ddd d MMM";
    private const string DayWithYearFormat = "ddd d MMM yyyy";
    private const string TimeFormat = "HH:mm";

    /// <summary>"Tue 3 Dec, 14:05", or "Tue 3 Dec 2025, 14:05" outside the current year.</summary>
    public static string Moment(DateTimeOffset at, TimeZoneInfo zone, DateTimeOffset now)
    {
        var local = ToZone(at, zone);
        return $"{Day(local, ToZone(now, zone))}, {local.ToString(TimeFormat, CultureInfo.InvariantCulture)}";
    }

    /// <summary>"Tue 3 Dec 2025, 14:05 (America/New_York)": the unambiguous form, for a tooltip.</summary>
    public static string Full(DateTimeOffset at, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = ToZone(at, zone);
        return $"{local.ToString(DayWithYearFormat, CultureInfo.InvariantCulture)}, {local.ToString(TimeFormat, CultureInfo.InvariantCulture)} ({zone.Id})";
    }

    /// <summary>"Tue 3 Dec", or "Tue 3 Dec 2025" outside the current year: the day <paramref name="at"/> falls on in the zone.</summary>
    public static string Day(DateTimeOffset at, TimeZoneInfo zone, DateTimeOffset now) => Day(ToZone(at, zone), ToZone(now, zone));

    /// <summary>"just now", "5 min ago", "2 hours ago", "3 days ago", "in 5 days"; beyond 30 days the <see cref="Moment"/>.</summary>
    public static string Relative(DateTimeOffset at, TimeZoneInfo zone, DateTimeOffset now)
    {
        var delta = at - now;
        var future = delta > TimeSpan.Zero;
        var span = delta.Duration();
        if (span < TimeSpan.FromMinutes(1))
        {
            return future ? "in less than a minute" : "just now";
        }

        string amount;
        if (span < TimeSpan.FromHours(1))
        {
            amount = $"{(int)span.TotalMinutes} min";
        }
        else if (span < TimeSpan.FromDays(1))
        {
            amount = Plural((int)span.TotalHours, "hour");
        }
        else if (span < TimeSpan.FromDays(30))
        {
            amount = Plural((int)span.TotalDays, "day");
        }
        else
        {
            return Moment(at, zone, now);
        }

        return future ? $"in {amount}" : $"{amount} ago";
    }

    /// <summary>A duration as people say it: "48 min", "1 h 5 min", "40 s".</summary>
    public static string Duration(TimeSpan duration)
    {
        var span = duration.Duration();
        if (span < TimeSpan.FromMinutes(1))
        {
            return $"{(int)span.TotalSeconds} s";
        }

        var hours = (int)span.TotalHours;
        return hours == 0 ? $"{span.Minutes} min" : span.Minutes == 0 ? $"{hours} h" : $"{hours} h {span.Minutes} min";
    }

    /// <summary>Whether <paramref name="at"/> is the last millisecond of its day in the zone: an expiry picked as a date.</summary>
    public static bool IsEndOfDay(DateTimeOffset at, TimeZoneInfo zone) =>
        ToZone(at, zone).TimeOfDay >= new TimeSpan(0, 23, 59, 59, 999);

    private static string Day(DateTimeOffset local, DateTimeOffset localNow) =>
        local.ToString(local.Year == localNow.Year ? DayFormat : DayWithYearFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ToZone(DateTimeOffset at, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return TimeZoneInfo.ConvertTime(at, zone);
    }

    private static string Plural(int count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";
}

/// <summary>How a <c>PracticeTime</c> shows its instant.</summary>
public enum DateStyle
{
    /// <summary>"Tue 3 Dec, 14:05".</summary>
    Moment,

    /// <summary>"2 hours ago", "in 5 days" (the moment beyond 30 days).</summary>
    Relative,

    /// <summary>"Tue 3 Dec": for an instant that stands for a whole day, such as an expiry picked as a date.</summary>
    Day,
}
