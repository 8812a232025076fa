using Plexura.Core.Auditing;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Identity;

/// <summary>The last step of every sign-in (password alone, or password and second factor): the session and its token.</summary>
/// <remarks>
/// One place so both paths end identically: the lockout count is reset, any pending second-factor challenge is
/// cleared, <see cref="User.LastSignInAt"/> is set, a server-side session (two hours, never extended) is created, a
/// token naming it is issued, and <see cref="AuditAction.SignIn"/> is written on the user's chains. When the user
/// belongs to exactly one practice the session enters it; otherwise the caller lets the user choose.
/// </remarks>
public sealed class SessionOpener(
    IUserRepository users,
    ISessionRepository sessions,
    ITokenService tokens,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>Opens a session for <paramref name="user"/>, after also applying <paramref name="change"/> to the stored user.</summary>
    /// <param name="user">The user whose credentials were all checked.</param>
    /// <param name="memberships">The user's memberships.</param>
    /// <param name="client">The client signing in.</param>
    /// <param name="change">A further change to store with the success (a new hash, a used recovery code), or null.</param>
    /// <param name="factor">How the user proved themselves, for the audit event (<c>password</c>, <c>totp</c>, <c>recovery-code</c>).</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="enter">The practice to enter; by default the only one, if the user has exactly one.</param>
    internal async Task<SignInResult.Success> OpenAsync(
        User user, IReadOnlyList<Membership> memberships, ClientInfo client, Func<User, User>? change, string factor, CancellationToken ct,
        Membership? enter = null)
    {
        var now = time.GetUtcNow();
        user = await UserUpdates.UpdateWithRetryAsync(
            users,
            user,
            u =>
            {
                var done = LoginThrottle.RegisterSuccess(u) with { LastSignInAt = now, MfaChallengeHash = null, MfaChallengeExpiresAt = null };
                return change is null ? done : change(done);
            },
            ct);

        var entered = enter ?? (memberships.Count == 1 ? memberships[0] : null);
        var session = UserSession.Start(user.Id, entered?.PracticeId, now, client.SourceIp, client.UserAgent);
        var token = tokens.Issue(new TokenSubject(user.Id, user.Email, session.Id, entered?.PracticeId, entered?.Role));

        // The session ends with its token: the token service reads its own clock (a moment later, whole seconds), and
        // SessionValidator refuses a token that would outlive its session.
        session = session with { ExpiresAt = token.ExpiresAt };
        await sessions.AddAsync(session, ct);

        await AccountAudit.RecordAsync(
            audit, AuditChains.ForMemberships(memberships), new AuditActor(user.Id, user.Email), client, AuditAction.SignIn, AuditResult.Success,
            "user", user.Id.ToString(), ct, ("session", session.Id.ToString()), ("factor", factor));
        return new SignInResult.Success(token, session.Id, memberships, entered);
    }
}
