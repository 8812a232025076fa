using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;
using Plexura.Core.Sessions.StartRecording;

namespace Plexura.Core.Sessions;

/// <summary>The check every session use case calls first: the signed-in member, the session, and their right to it, read fresh.</summary>
/// <remarks>
/// <para>The recorder's operations (<see cref="RequireOwnAsync"/>: audio upload, pause, resume, stop) belong to the
/// member who started the session and who may still edit its client. A session of another practice, an unknown id, or
/// another clinician's session is "not found", audited as <see cref="AuditResult.Denied"/> with the session id and the
/// operation (code <c>unknown-session</c> or <c>not-own-session</c>), so probing for ids or pushing audio into someone
/// else's session is seen. A member who lost edit access to the client is refused with the rule's reason.</para>
/// <para>Reading a session (<see cref="RequireViewAsync"/>) needs view access to its client through
/// <see cref="ClientAccessGate"/>, so owners and admins see the practice's sessions.</para>
/// </remarks>
public sealed class SessionAccess(
    PracticeActorLoader loader,
    IClinicalSessionRepository sessions,
    ClientAccessGate gate,
    IClientDirectory clients,
    IAuditLog audit)
{
    /// <summary>The actor and their own session, which they may still edit the client of; otherwise audits and throws.</summary>
    /// <param name="sessionId">The session asked for.</param>
    /// <param name="operation">The code of what is attempted (for example <c>audio-upload</c>), written on a refusal.</param>
    /// <param name="client">The request's client, for the audit log.</param>
    /// <param name="ct">Cancels the reads.</param>
    /// <exception cref="RecordNotFoundException">No such session in the practice, or another member's.</exception>
    /// <exception cref="AccessDeniedException">The member may no longer edit the session's client.</exception>
    public async Task<(PracticeActor Actor, ClinicalSession Session)> RequireOwnAsync(
        ClinicalSessionId sessionId, string operation, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var actor = await loader.LoadAsync(ct);
        var session = await sessions.GetAsync(actor.PracticeId, sessionId, ct);
        if (session is null || session.ClinicianUserId != actor.UserId)
        {
            await DeniedAsync(actor, sessionId, session?.ClientId, session is null ? "unknown-session" : "not-own-session", operation, client, ct);
            throw new RecordNotFoundException(ClinicalSession.RecordType);
        }

        var access = await gate.LoadAccessAsync(actor.PracticeId, actor.MembershipId, session.ClientId, ct);
        var facts = await clients.GetFactsAsync(actor.PracticeId, session.ClientId, ct);
        var decision = access is null || facts is null
            ? AccessDecision.Deny("not-a-member", PracticeActorLoader.NotAMemberMessage)
            : ClientAuthorization.Decide(actor, access, facts, ClientPermission.Edit);
        if (!decision.IsAllowed)
        {
            await DeniedAsync(actor, sessionId, session.ClientId, decision.Code, operation, client, ct);
            throw new AccessDeniedException(decision.Reason);
        }

        return (actor, session);
    }

    /// <summary>The actor and a session of their practice whose client they may view; otherwise audits and throws.</summary>
    /// <exception cref="RecordNotFoundException">No such session in the practice.</exception>
    /// <exception cref="AccessDeniedException">The member may not view the session's client.</exception>
    public async Task<(PracticeActor Actor, ClinicalSession Session)> RequireViewAsync(ClinicalSessionId sessionId, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var actor = await loader.LoadAsync(ct);
        var session = await sessions.GetAsync(actor.PracticeId, sessionId, ct);
        if (session is null)
        {
            await DeniedAsync(actor, sessionId, null, "unknown-session", "view", client, ct);
            throw new RecordNotFoundException(ClinicalSession.RecordType);
        }

        var allowed = await gate.RequireAsync(session.ClientId, ClientPermission.View, client, ct);
        return (allowed.Actor, session);
    }

    /// <summary>Writes a successful change of the session (ids and codes only).</summary>
    internal Task RecordAsync(PracticeActor actor, ClinicalSession session, string change, ClientInfo client, CancellationToken ct, params (string Key, string Value)[] details) =>
        AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.Updated, AuditResult.Success, StartRecordingHandler.TargetType, session.Id.ToString(), session.ClientId, ct,
            [("change", change), .. details]);

    private Task<AuditEvent> DeniedAsync(
        PracticeActor actor, ClinicalSessionId sessionId, ClientId? clientId, string code, string operation, ClientInfo client, CancellationToken ct) =>
        AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.Updated, AuditResult.Denied, StartRecordingHandler.TargetType, sessionId.ToString(), clientId, ct,
            ("reason", code), ("operation", operation));
}
