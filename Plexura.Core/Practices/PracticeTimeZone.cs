namespace Plexura.Core.Practices;

/// <summary>The rules of a practice's time zone: which ids are accepted, and what a date means in the zone.</summary>
/// <remarks>
/// Instants are stored in UTC; the zone only decides how they are shown and what a date-only input means. An id is
/// valid when the system's time zone database knows it (IANA ids such as "America/New_York" on Linux), is at most
/// <see cref="MaxIdLength"/> characters and is made of the characters IANA ids use, so a stored id can never carry
/// markup or a long string into a page.
/// </remarks>
public static class PracticeTimeZone
{
    /// <summary>The zone of a practice that never chose one (and of practices stored before the setting existed).</summary>
    public const string Default = "UTC";

    /// <summary>Longest accepted id (the longest IANA id is about 32 characters).</summary>
    public const int MaxIdLength = 64;

    /// <summary>Shown when a practice setting names a zone that does not exist.</summary>
    public const string UnknownZoneMessage = "Choose a time zone from the list.";

    /// <summary>Whether <paramref name="id"/> names a time zone this system knows.</summary>
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id)
        && id.Length <= MaxIdLength
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+')
        && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    /// <summary>The id when valid, otherwise <see cref="Default"/>: for a zone a browser reported, where a bad value must never stop anyone.</summary>
    public static string OrDefault(string? id)
    {
        var trimmed = id?.Trim();
        return IsValid(trimmed) ? trimmed! : Default;
    }

    /// <summary>The zone named by <paramref name="id"/>, or UTC when it is unknown (a stored id is valid when stored; this fails safe if the database changes).</summary>
    public static TimeZoneInfo Find(string? id) =>
        IsValid(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id!, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The last millisecond of <paramref name="date"/> in <paramref name="zone"/> (23:59:59.999 local), as an instant.</summary>
    /// <remarks>
    /// Used where a person picks a date and means "until the end of that day" (a consent's expiry): the consent is
    /// still valid all that day where the practice is, whatever the server's zone. When 23:59:59.999 happens twice
    /// (a change back from daylight saving at midnight) the later one is the end of the day; the offset of the day's
    /// end, not of its start, is used, so a day that changes to or from daylight saving ends at the right instant.
    /// </remarks>
    public static DateTimeOffset EndOfDay(DateOnly date, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = date.ToDateTime(new TimeOnly(23, 59, 59, 999), DateTimeKind.Unspecified);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Min() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
