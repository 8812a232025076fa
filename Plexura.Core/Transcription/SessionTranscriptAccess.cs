using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;
using Plexura.Core.Sessions;

namespace Plexura.Core.Transcription;

/// <summary>The check every transcript use case calls first: the session in the member's practice, then the client gate.</summary>
/// <remarks>
/// The session is looked up in the signed-in member's practice only, so another practice's session is "not found"
/// (audited as Denied with code <c>unknown-session</c>, like an unknown client). The permission is then decided on
/// the session's client by <see cref="ClientAccessGate"/>, which reads everything fresh and audits a refusal.
/// </remarks>
public sealed class SessionTranscriptAccess(PracticeActorLoader loader, IClinicalSessionRepository sessions, ClientAccessGate gate, IAuditLog audit)
{
    /// <summary>The audit target type of a session's transcript.</summary>
    public const string TranscriptTarget = "transcript";

    /// <summary>The session and the member's access to its client when <paramref name="permission"/> is allowed; otherwise audits and throws.</summary>
    /// <exception cref="RecordNotFoundException">No such session (or client) in the member's practice.</exception>
    /// <exception cref="AccessDeniedException">The member may not do this to the session's client.</exception>
    public async Task<(AuthorizedClientAccess Access, ClinicalSession Session)> RequireAsync(
        ClinicalSessionId sessionId, ClientPermission permission, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var actor = await loader.LoadAsync(ct);
        var session = await sessions.GetAsync(actor.PracticeId, sessionId, ct);
        if (session is null || session.Id != sessionId)
        {
            await AccessAudit.RecordAsync(
                audit, actor, client, AccessAudit.ActionFor(permission), AuditResult.Denied, TranscriptTarget, sessionId.ToString(), null, ct,
                ("reason", "unknown-session"), ("permission", permission.ToString().ToLowerInvariant()));
            throw new RecordNotFoundException(ClinicalSession.RecordType);
        }

        var access = await gate.RequireAsync(session.ClientId, permission, client, ct);
        return (access, session);
    }
}
