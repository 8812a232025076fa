using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Access;

/// <summary>Writes access and membership events: ids, roles and permission codes only, never PHI.</summary>
internal static class AccessAudit
{
    public static Task<AuditEvent> RecordAsync(
        IAuditLog audit,
        PracticeActor actor,
        ClientInfo client,
        AuditAction action,
        AuditResult result,
        string targetType,
        string? targetId,
        ClientId? clientId,
        CancellationToken ct,
        params (string Key, string Value)[] details) =>
        audit.RecordAsync(
            new AuditEntry(
                actor.PracticeId,
                new AuditActor(actor.UserId, actor.Email),
                client.SourceIp,
                client.UserAgent,
                action,
                targetType,
                targetId,
                clientId?.ToString(),
                result,
                details.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal)),
            ct);

    /// <summary>Runs <paramref name="step"/>; input it refuses is audited as <see cref="AuditResult.Failed"/> and rethrown.</summary>
    /// <remarks>
    /// Bad input (an over-long name, a consent expiring in the past) is refused before anything is stored, and the
    /// attempt is still written down: who tried what and which rule stopped it. The rule's message is recorded, never
    /// the input; validation messages are fixed texts that carry no PHI.
    /// </remarks>
    public static async Task<T> RefusingInvalidInputAsync<T>(
        IAuditLog audit,
        PracticeActor actor,
        ClientInfo client,
        AuditAction action,
        string targetType,
        string? targetId,
        ClientId? clientId,
        Func<Task<T>> step,
        CancellationToken ct)
    {
        try
        {
            return await step();
        }
        catch (ValidationFailedException ex)
        {
            await RecordAsync(audit, actor, client, action, AuditResult.Failed, targetType, targetId, clientId, ct, ("reason", "invalid-input"), ("rule", ex.Message));
            throw;
        }
    }

    /// <summary>The audit action that matches an attempt to use <paramref name="permission"/>.</summary>
    public static AuditAction ActionFor(ClientPermission permission) => permission switch
    {
        ClientPermission.View => AuditAction.PhiViewed,
        ClientPermission.Edit => AuditAction.Updated,
        ClientPermission.Push => AuditAction.EhrPushed,
        ClientPermission.Export => AuditAction.Exported,
        _ => AuditAction.PhiViewed,
    };
}
