using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.RevokeMySession;

/// <summary>End one of the signed-in user's sessions (for example a forgotten device).</summary>
/// <param name="SessionId">The session to end, from <c>ListMySessionsHandler</c>.</param>
public sealed record RevokeMySessionCommand(SessionId SessionId);

/// <summary>Revokes a session of the signed-in user.</summary>
/// <remarks>
/// The session id comes from the request, so ownership is checked: a session of another user, or one that does not
/// exist, answers <see cref="RecordNotFoundException"/> alike, so ids of other people's sessions cannot be probed.
/// Ending the current session is allowed (it is a sign-out); ending one already ended succeeds quietly.
/// Audited as <see cref="AuditAction.SignOut"/> with <c>scope=single</c> on every chain of the user.
/// </remarks>
public sealed class RevokeMySessionHandler(
    ICurrentUser currentUser, ISessionRepository sessions, IUserRepository users, IMembershipRepository memberships, IAuditLog audit, TimeProvider time)
{
    /// <summary>Revokes the session; throws <see cref="RecordNotFoundException"/> unless it is the user's own.</summary>
    public async Task HandleAsync(RevokeMySessionCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (user, current) = await SignedInAccount.RequireAsync(currentUser, sessions, users, time, ct);
        var session = await sessions.GetAsync(command.SessionId, ct);
        if (session is null || session.UserId != user.Id)
        {
            throw new RecordNotFoundException("session");
        }

        if (session.RevokedAt is not null)
        {
            return;
        }

        var revoked = await RevokeAsync(session, ct);
        await AccountAudit.RecordAsync(
            audit, await AuditChains.ForUserAsync(memberships, user.Id, ct), new AuditActor(user.Id, user.Email), client, AuditAction.SignOut,
            AuditResult.Success, "session", revoked.Id.ToString(), ct, ("scope", "single"), ("current", revoked.Id == current.Id ? "true" : "false"));
    }

    private async Task<UserSession> RevokeAsync(UserSession session, CancellationToken ct)
    {
        try
        {
            return await sessions.RevokeAsync(session, SessionRevocationReason.SignedOut, time.GetUtcNow(), ct);
        }
        catch (ConcurrencyConflictException)
        {
            // Touched meanwhile (its last-seen time): revoke the fresh copy.
            var fresh = await sessions.GetAsync(session.Id, ct) ?? throw new RecordNotFoundException("session");
            return await sessions.RevokeAsync(fresh, SessionRevocationReason.SignedOut, time.GetUtcNow(), ct);
        }
    }
}
