using Plexura.Core.Common;

namespace Plexura.Core.Practices;

/// <summary>A practice: the tenant. Every piece of practice data hangs off its id.</summary>
/// <param name="Id">The practice id.</param>
/// <param name="Name">The practice's name.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <param name="RequireMfaForAllMembers">
/// When set, every member must have a second factor before reaching practice data; owners and admins need one to
/// manage the practice regardless (HIPAA 5.4).
/// </param>
/// <param name="TimeZoneId">
/// The IANA time zone every date and time is shown in, and in which a date-only input (a consent's expiry) ends.
/// Practices stored before this setting existed read as <see cref="PracticeTimeZone.Default"/>.
/// </param>
/// <param name="AudioRetention">How long raw session audio is kept once its transcript is complete (least by default).</param>
/// <param name="WorkingHours">
/// The practice's working hours in its time zone; null until an owner sets them (then no access counts as "outside
/// working hours").
/// </param>
/// <param name="EmergencyAccessMembers">Members designated to declare break-glass emergency access (HIPAA 5.1); none by default.</param>
/// <param name="EmergencyAccessMinutes">How long one emergency access lasts, in minutes (5..480, default 60).</param>
/// <param name="DefaultTemplateKey">The practice's default note template key; null means the built-in Progress note.</param>
/// <param name="AdminsManageSettings">Whether admins may change the practice settings too (owners always may).</param>
public sealed record Practice(
    PracticeId Id,
    string Name,
    DateTimeOffset CreatedAt,
    long Version = 0,
    bool RequireMfaForAllMembers = false,
    string TimeZoneId = PracticeTimeZone.Default,
    AudioRetention AudioRetention = AudioRetention.None,
    WorkingHours? WorkingHours = null,
    IReadOnlyList<UserId>? EmergencyAccessMembers = null,
    int EmergencyAccessMinutes = Practice.DefaultEmergencyAccessMinutes,
    string? DefaultTemplateKey = null,
    bool AdminsManageSettings = false)
    : IPracticeOwned, IVersioned
{
    /// <summary>Longest accepted practice name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>How long an emergency access lasts unless the practice chose otherwise.</summary>
    public const int DefaultEmergencyAccessMinutes = 60;

    /// <summary>Shortest emergency access window a practice may choose.</summary>
    public const int MinEmergencyAccessMinutes = 5;

    /// <summary>Longest emergency access window a practice may choose.</summary>
    public const int MaxEmergencyAccessMinutes = 480;

    /// <summary>Whether <paramref name="userId"/> is designated for emergency access.</summary>
    public bool IsEmergencyAccessMember(UserId userId) => EmergencyAccessMembers?.Contains(userId) == true;

    /// <inheritdoc />
    public PracticeId PracticeId => Id;
}
