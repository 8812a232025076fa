using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Practices.RecentFailedSignIns;

/// <summary>List the latest failed sign-ins of the signed-in user's practice's members.</summary>
public sealed record RecentFailedSignInsCommand;

/// <summary>One failed sign-in, from the practice's audit chain.</summary>
/// <param name="At">When it happened.</param>
/// <param name="UserId">The account tried, when known.</param>
/// <param name="Email">The account's email, when known (a failure for an unknown email is never on a practice chain).</param>
/// <param name="SourceIp">Where it came from, when known.</param>
/// <param name="Reason">The recorded reason code, for example <c>wrong-password</c> or <c>locked</c>.</param>
/// <param name="LockoutStarted">Whether this failure started a lockout.</param>
public sealed record FailedSignIn(DateTimeOffset At, UserId? UserId, string? Email, string? SourceIp, string? Reason, bool LockoutStarted);

/// <summary>Reads the newest <see cref="Limit"/> <see cref="AuditAction.SignInFailed"/> events of the practice.</summary>
/// <remarks>
/// Owners and admins with a second factor only (<see cref="PracticePolicy.CanManageMembers"/>). The query runs on the
/// caller's practice chain only; failures for unknown emails live on the system chain and are never shown to a
/// practice, so this cannot be used to watch who tries which address.
/// </remarks>
public sealed class RecentFailedSignInsHandler(PracticeAccessGate gate, IAuditStore store)
{
    /// <summary>How many events are returned at most.</summary>
    public const int Limit = 50;

    /// <summary>The failures, newest first; throws <see cref="AccessDeniedException"/> when not allowed.</summary>
    public async Task<IReadOnlyList<FailedSignIn>> HandleAsync(RecentFailedSignInsCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanManageMembers, AuditAction.AdministrationViewed, "audit", client, ct);
        var events = await store.QueryAsync(actor.PracticeId, new AuditQuery(Action: AuditAction.SignInFailed, Limit: Limit), ct);
        return
        [
            .. events.Select(e => new FailedSignIn(
                e.Timestamp,
                e.ActorUserId,
                e.ActorEmail,
                e.SourceIp,
                e.Details.TryGetValue("reason", out var reason) ? reason : null,
                e.Details.TryGetValue("lockout", out var lockout) && lockout == "started")),
        ];
    }
}
