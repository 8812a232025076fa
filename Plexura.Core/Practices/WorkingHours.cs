namespace Plexura.Core.Practices;

/// <summary>A practice's working hours: the same opening and closing time on each working day, in the practice's time zone.</summary>
/// <param name="Days">The working days.</param>
/// <param name="Opens">When the working day starts (inclusive).</param>
/// <param name="Closes">When it ends (exclusive); after <paramref name="Opens"/>.</param>
public sealed record WorkingHours(IReadOnlyList<DayOfWeek> Days, TimeOnly Opens, TimeOnly Closes)
{
    /// <summary>Monday to Friday, 08:00 to 18:00: what the settings page offers first.</summary>
    public static readonly WorkingHours Weekdays = new(
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
        new TimeOnly(8, 0),
        new TimeOnly(18, 0));

    /// <summary>Whether the hours are well formed: at least one day, each once, and opening before closing.</summary>
    public bool IsValid => Days is { Count: > 0 } && Days.Distinct().Count() == Days.Count && Days.All(Enum.IsDefined) && Opens < Closes;

    /// <summary>Whether <paramref name="instant"/>, seen in <paramref name="zone"/>, falls inside the working hours.</summary>
    public bool Contains(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return Days.Contains(local.DayOfWeek) && time >= Opens && time < Closes;
    }
}
