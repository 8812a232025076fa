using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;

namespace Plexura.Core.Identity.SignOut;

/// <summary>End every session of the signed-in user, on every device.</summary>
public sealed record SignOutEverywhereCommand;

/// <summary>Revokes all of the signed-in user's sessions, including the current one.</summary>
/// <remarks>
/// For a user who fears a device or password is compromised. The current session must still be active and the
/// user's own, so a revoked token cannot be replayed to trigger it. Audited on every practice chain of the user,
/// with <c>scope=all</c> and how many sessions ended.
/// </remarks>
public sealed class SignOutEverywhereHandler(
    ICurrentUser currentUser, ISessionRepository sessions, IMembershipRepository memberships, IAuditLog audit, TimeProvider time)
{
    /// <summary>Signs out everywhere; returns how many sessions were revoked.</summary>
    public async Task<int> HandleAsync(SignOutEverywhereCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        if (!currentUser.IsAuthenticated)
        {
            throw new NotSignedInException();
        }

        var now = time.GetUtcNow();
        var session = await sessions.GetAsync(currentUser.SessionId, ct);
        if (session is null || session.UserId != currentUser.UserId || !session.IsActiveAt(now))
        {
            throw new NotSignedInException();
        }

        var count = await sessions.RevokeAllForUserAsync(currentUser.UserId, SessionRevocationReason.SignedOutEverywhere, now, ct);
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["scope"] = "all",
            ["sessions"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var practiceId in await AuditChains.ForUserAsync(memberships, currentUser.UserId, ct))
        {
            await audit.RecordAsync(
                new AuditEntry(
                    practiceId,
                    new AuditActor(currentUser.UserId, null),
                    client.SourceIp,
                    client.UserAgent,
                    AuditAction.SignOut,
                    "user",
                    currentUser.UserId.ToString(),
                    null,
                    AuditResult.Success,
                    details),
                ct);
        }

        return count;
    }
}
