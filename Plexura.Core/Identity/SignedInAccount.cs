using Plexura.Core.Common;
using Plexura.Core.Users;

namespace Plexura.Core.Identity;

/// <summary>Loads the signed-in user and their session for account use cases, failing closed.</summary>
internal static class SignedInAccount
{
    /// <summary>The signed-in user and their active session; throws <see cref="NotSignedInException"/> otherwise.</summary>
    /// <remarks>
    /// The session is read again here rather than trusted from the token: a session revoked a moment ago (sign-out
    /// elsewhere, a password reset) must not be able to change the account.
    /// </remarks>
    public static async Task<(User User, UserSession Session)> RequireAsync(
        ICurrentUser currentUser, ISessionRepository sessions, IUserRepository users, TimeProvider time, CancellationToken ct)
    {
        if (!currentUser.IsAuthenticated)
        {
            throw new NotSignedInException();
        }

        var session = await sessions.GetAsync(currentUser.SessionId, ct);
        if (session is null || session.UserId != currentUser.UserId || !session.IsActiveAt(time.GetUtcNow()))
        {
            throw new NotSignedInException();
        }

        var user = await users.GetAsync(currentUser.UserId, ct) ?? throw new NotSignedInException();
        return (user, session);
    }
}
