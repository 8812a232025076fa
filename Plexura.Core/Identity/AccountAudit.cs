using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Users;

namespace Plexura.Core.Identity;

/// <summary>Writes account events to every chain they belong on (see <see cref="AuditChains"/>).</summary>
internal static class AccountAudit
{
    /// <summary>Records one event on each of <paramref name="chains"/>, targeting a record of <paramref name="targetType"/>.</summary>
    public static async Task RecordAsync(
        IAuditLog audit,
        IReadOnlyList<PracticeId> chains,
        AuditActor actor,
        ClientInfo client,
        AuditAction action,
        AuditResult result,
        string targetType,
        string? targetId,
        CancellationToken ct,
        params (string Key, string Value)[] details)
    {
        var map = details.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        foreach (var practiceId in chains)
        {
            await audit.RecordAsync(
                new AuditEntry(practiceId, actor, client.SourceIp, client.UserAgent, action, targetType, targetId, null, result, map),
                ct);
        }
    }

    /// <summary>Records <see cref="AuditAction.AccountLocked"/> when <paramref name="after"/> holds a lock that <paramref name="before"/> did not.</summary>
    /// <returns>Whether a lock started.</returns>
    /// <remarks>A separate event (besides the failure that caused it) so a compliance report can list lockouts directly.</remarks>
    public static async Task<bool> RecordLockIfStartedAsync(
        IAuditLog audit, IReadOnlyList<PracticeId> chains, LoginThrottle throttle, User before, User after, ClientInfo client, string cause, CancellationToken ct)
    {
        if (throttle.LockedUntil(after) is not { } until || after.LockedUntil == before.LockedUntil)
        {
            return false;
        }

        await RecordAsync(
            audit, chains, new AuditActor(after.Id, after.Email), client, AuditAction.AccountLocked, AuditResult.Success, "user", after.Id.ToString(), ct,
            ("reason", cause), ("failures", after.FailedSignIns.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("lockedUntil", until.ToString("O")));
        return true;
    }
}
