using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Practices.Access;

/// <summary>Loads the <see cref="PracticeActor"/> of the signed-in user from storage.</summary>
/// <remarks>
/// The user and the practice come from <see cref="ICurrentUser"/> only. Fails closed: nobody signed in or a user
/// that no longer exists is <see cref="NotSignedInException"/>; no practice entered, a practice that is gone or a
/// membership that was removed is <see cref="AccessDeniedException"/>. Everything is read fresh on every call, so a
/// role change or removal counts at once.
/// </remarks>
public sealed class PracticeActorLoader(
    ICurrentUser currentUser,
    IUserRepository users,
    IMembershipRepository memberships,
    IPracticeRepository practices)
{
    /// <summary>Shown when the session has not entered a practice.</summary>
    public const string NoPracticeMessage = "Choose a practice to continue.";

    /// <summary>Shown when the user is no longer a member of the practice the session entered.</summary>
    public const string NotAMemberMessage = "You are no longer a member of this practice.";

    /// <summary>The actor; throws <see cref="NotSignedInException"/> or <see cref="AccessDeniedException"/> as described above.</summary>
    public async Task<PracticeActor> LoadAsync(CancellationToken ct)
    {
        if (!currentUser.IsAuthenticated)
        {
            throw new NotSignedInException();
        }

        var userId = currentUser.UserId;
        var practiceId = currentUser.PracticeId is { IsNone: false } p ? p : throw new AccessDeniedException(NoPracticeMessage);
        var user = await users.GetAsync(userId, ct) ?? throw new NotSignedInException();
        var membership = await memberships.FindByUserAsync(practiceId, userId, ct) ?? throw new AccessDeniedException(NotAMemberMessage);
        var practice = await practices.GetAsync(practiceId, ct) ?? throw new AccessDeniedException(NotAMemberMessage);
        return new PracticeActor(
            user.Id,
            user.Email,
            user.DisplayName,
            practice.Id,
            membership.Id,
            membership.Role,
            user.HasMfa,
            user.IsEmailVerified,
            practice.RequireMfaForAllMembers,
            practice.Name,
            practice.TimeZoneId,
            practice.AudioRetention,
            practice.AdminsManageSettings);
    }
}
