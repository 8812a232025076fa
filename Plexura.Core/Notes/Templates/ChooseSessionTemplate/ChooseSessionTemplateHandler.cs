using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.StartRecording;

namespace Plexura.Core.Notes.Templates.ChooseSessionTemplate;

/// <summary>Choose the template a session's note is written on.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="TemplateKey">A built-in or active practice template's key; null to use the clinician's default again.</param>
public sealed record ChooseSessionTemplateCommand(ClinicalSessionId SessionId, string? TemplateKey);

/// <summary>Stores the template choice on the session (<see cref="ClinicalSession.TemplateKey"/>), audited.</summary>
/// <remarks>
/// <para>Needs <see cref="ClientPermission.Edit"/> on the session's client through <see cref="ClientAccessGate"/>:
/// the session's clinician has it (they started the session under it), and so does any other member who may edit the
/// client; a clinician who lost edit access can no longer choose. An unknown session or one of another practice is
/// "not found", audited Denied (<c>unknown-session</c>).</para>
/// <para>Allowed while the session exists: the choice is read when the session's note is created
/// (<see cref="INoteTemplateCatalog.ForSessionAsync"/>), so once a note exists a new choice has no effect on it (the
/// notes feature decides whether an unsigned note may switch templates). The session is re-read and retried on a
/// concurrent change (transcription jobs update the same session).</para>
/// </remarks>
public sealed class ChooseSessionTemplateHandler(
    PracticeActorLoader loader,
    IClinicalSessionRepository sessions,
    ClientAccessGate clients,
    PracticeAccessGate gate,
    INoteTemplateRepository templates,
    IAuditLog audit)
{
    private const int MaxAttempts = 5;

    /// <summary>Stores the choice and returns the session with it.</summary>
    /// <exception cref="RecordNotFoundException">No such session, or no such template, in the member's practice.</exception>
    /// <exception cref="AccessDeniedException">The member may not edit the session's client.</exception>
    /// <exception cref="ValidationFailedException">The template is archived.</exception>
    public async Task<ClinicalSession> HandleAsync(ChooseSessionTemplateCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await loader.LoadAsync(ct);
        var session = await sessions.GetAsync(actor.PracticeId, command.SessionId, ct);
        if (session is null)
        {
            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.Updated, AuditResult.Denied, StartRecordingHandler.TargetType, command.SessionId.ToString(), null, ct,
                ("reason", "unknown-session"), ("operation", "choose-template"));
            throw new RecordNotFoundException(ClinicalSession.RecordType);
        }

        var allowed = await clients.RequireAsync(session.ClientId, ClientPermission.Edit, client, ct);
        actor = allowed.Actor;
        var key = command.TemplateKey;
        if (key is not null)
        {
            var found = await AccessAudit.RefusingInvalidInputAsync(
                audit, actor, client, AuditAction.Updated, StartRecordingHandler.TargetType, session.Id.ToString(), session.ClientId,
                () => TemplateLookup.RequireActiveAsync(gate, templates, actor, key, AuditAction.Updated, client, ct),
                ct);
            key = found.Key;
        }

        for (var attempt = 1; ; attempt++)
        {
            if (string.Equals(session.TemplateKey, key, StringComparison.Ordinal))
            {
                return session;
            }

            try
            {
                session = await sessions.UpdateAsync(actor.PracticeId, session with { TemplateKey = key }, ct);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                session = await sessions.GetAsync(actor.PracticeId, command.SessionId, ct) ?? throw new RecordNotFoundException(ClinicalSession.RecordType);
                continue;
            }

            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.Updated, AuditResult.Success, StartRecordingHandler.TargetType, session.Id.ToString(), session.ClientId, ct,
                ("change", "template"), ("template", key ?? "default"));
            return session;
        }
    }
}
