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
public sealed record Practice(
    PracticeId Id,
    string Name,
    DateTimeOffset CreatedAt,
    long Version = 0,
    bool RequireMfaForAllMembers = false,
    string TimeZoneId = PracticeTimeZone.Default,
    AudioRetention AudioRetention = AudioRetention.None)
    : IPracticeOwned, IVersioned
{
    /// <summary>Longest accepted practice name.</summary>
    public const int MaxNameLength = 200;

    /// <inheritdoc />
    public PracticeId PracticeId => Id;
}
