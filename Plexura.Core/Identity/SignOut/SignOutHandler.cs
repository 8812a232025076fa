using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Core.Identity.SignOut;

/// <summary>End the signed-in user's current session.</summary>
public sealed record SignOutCommand;

/// <summary>Revokes the current session, so its token is refused at once though it has not expired.</summary>
/// <remarks>
/// The session comes from <see cref="ICurrentUser"/>, never from the request, and must belong to the signed-in user:
/// no one can end someone else's session by naming it. Signing out of an already revoked session succeeds quietly.
/// </remarks>
public sealed class SignOutHandler(ICurrentUser currentUser, ISessionRepository sessions, IAuditLog audit, TimeProvider time)
{
    /// <summary>Signs out; throws <see cref="NotSignedInException"/> when nobody is signed in.</summary>
    public async Task HandleAsync(SignOutCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        if (!currentUser.IsAuthenticated)
        {
            throw new NotSignedInException();
        }

        var session = await sessions.GetAsync(currentUser.SessionId, ct);
        if (session is null || session.UserId != currentUser.UserId)
        {
            throw new NotSignedInException();
        }

        var revoked = await sessions.RevokeAsync(session, SessionRevocationReason.SignedOut, time.GetUtcNow(), ct);
        await audit.RecordAsync(
            new AuditEntry(
                revoked.PracticeId ?? PracticeId.None,
                new AuditActor(currentUser.UserId, null),
                client.SourceIp,
                client.UserAgent,
                AuditAction.SignOut,
                "session",
                revoked.Id.ToString(),
                null,
                AuditResult.Success,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["scope"] = "current" }),
            ct);
    }
}
