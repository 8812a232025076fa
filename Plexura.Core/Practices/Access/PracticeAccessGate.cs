using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Practices.Access;

/// <summary>Loads the actor and applies a <see cref="PracticePolicy"/> rule, auditing and throwing on refusal.</summary>
/// <remarks>
/// Every refusal is written to the practice's audit chain with result <see cref="AuditResult.Denied"/> and the
/// rule's code, then thrown as <see cref="AccessDeniedException"/> with the rule's user-facing reason: a compliance
/// officer must be able to see who tried what they were not allowed to. A removed member who still holds a session
/// is refused and audited the same way.
/// </remarks>
public sealed class PracticeAccessGate(PracticeActorLoader loader, ICurrentUser currentUser, IAuditLog audit)
{
    /// <summary>The actor, if <paramref name="rule"/> allows; otherwise audits the refusal and throws.</summary>
    /// <param name="rule">The policy rule, for example <see cref="PracticePolicy.CanManageMembers"/>.</param>
    /// <param name="attempted">What the actor tried, for the audit event.</param>
    /// <param name="targetType">The kind of record it concerned, for the audit event.</param>
    /// <param name="client">The request's client.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<PracticeActor> RequireAsync(
        Func<PracticeActor, PracticeDecision> rule, AuditAction attempted, string targetType, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(client);
        PracticeActor actor;
        try
        {
            actor = await loader.LoadAsync(ct);
        }
        catch (AccessDeniedException ex) when (currentUser.PracticeId is { IsNone: false } practiceId)
        {
            await WriteDeniedAsync(practiceId, new AuditActor(currentUser.UserId, null), attempted, targetType, null, "not-a-member", client, ct);
            throw new AccessDeniedException(ex.Message);
        }

        await EnsureAsync(actor, rule(actor), attempted, targetType, null, client, ct);
        return actor;
    }

    /// <summary>Returns when <paramref name="decision"/> allows; otherwise audits the refusal and throws <see cref="AccessDeniedException"/>.</summary>
    public async Task EnsureAsync(
        PracticeActor actor, PracticeDecision decision, AuditAction attempted, string targetType, string? targetId, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(client);
        if (decision.IsAllowed)
        {
            return;
        }

        await WriteDeniedAsync(actor.PracticeId, new AuditActor(actor.UserId, actor.Email), attempted, targetType, targetId, decision.Code, client, ct);
        throw new AccessDeniedException(decision.Reason);
    }

    /// <summary>Audits an attempt on a record that is not in the actor's practice and returns the exception to throw.</summary>
    /// <remarks>
    /// Another practice's id and an id that exists nowhere get the same answer, "not found", so ids cannot be probed;
    /// the attempt is still written as <see cref="AuditResult.Denied"/> (code <c>unknown-{targetType}</c>) because a
    /// member sending ids they were never shown is worth a compliance officer's look.
    /// </remarks>
    public async Task<RecordNotFoundException> NotFoundAsync(
        PracticeActor actor, AuditAction attempted, string targetType, string targetId, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(client);
        await WriteDeniedAsync(actor.PracticeId, new AuditActor(actor.UserId, actor.Email), attempted, targetType, targetId, $"unknown-{targetType}", client, ct);
        return new RecordNotFoundException(targetType);
    }

    private Task<AuditEvent> WriteDeniedAsync(
        PracticeId practiceId, AuditActor actor, AuditAction attempted, string targetType, string? targetId, string code, ClientInfo client, CancellationToken ct) =>
        audit.RecordAsync(
            new AuditEntry(
                practiceId,
                actor,
                client.SourceIp,
                client.UserAgent,
                attempted,
                targetType,
                targetId,
                null,
                AuditResult.Denied,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["reason"] = code }),
            ct);
}
