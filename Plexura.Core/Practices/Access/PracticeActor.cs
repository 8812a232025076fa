using Plexura.Core.Common;
using Plexura.Core.Memberships;

namespace Plexura.Core.Practices.Access;

/// <summary>The signed-in user as a member of the practice their session entered, read fresh from storage.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">The user's (normalized) email.</param>
/// <param name="DisplayName">The user's display name.</param>
/// <param name="PracticeId">The practice the session entered.</param>
/// <param name="MembershipId">The user's membership in it.</param>
/// <param name="Role">The role that membership holds now.</param>
/// <param name="HasMfa">Whether the user has confirmed a second factor.</param>
/// <param name="IsEmailVerified">Whether the user has proved they own their email address.</param>
/// <param name="PracticeRequiresMfa">Whether the practice requires a second factor of every member.</param>
/// <param name="PracticeName">The practice's name (for emails and pages; never PHI).</param>
/// <param name="PracticeTimeZoneId">The practice's IANA time zone (see <see cref="Practice.TimeZoneId"/>).</param>
/// <param name="PracticeAudioRetention">How long the practice keeps raw session audio (see <see cref="Practice.AudioRetention"/>).</param>
/// <param name="PracticeAdminsManageSettings">Whether the practice's owners let admins change the settings page (see <see cref="Practice.AdminsManageSettings"/>).</param>
/// <remarks>
/// Built per use case by <see cref="PracticeActorLoader"/>, never taken from the token's claims: a role that was
/// lowered or a membership that was removed a minute ago must count at once, not when the token expires.
/// </remarks>
public sealed record PracticeActor(
    UserId UserId,
    string Email,
    string DisplayName,
    PracticeId PracticeId,
    MembershipId MembershipId,
    PracticeRole Role,
    bool HasMfa,
    bool IsEmailVerified,
    bool PracticeRequiresMfa,
    string PracticeName,
    string PracticeTimeZoneId = PracticeTimeZone.Default,
    AudioRetention PracticeAudioRetention = AudioRetention.None,
    bool PracticeAdminsManageSettings = false);
