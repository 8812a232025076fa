using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Transcription;

namespace Plexura.Core.Notes.StartNote;

/// <summary>Start a session's note by hand ("Write note").</summary>
/// <param name="SessionId">The session.</param>
public sealed record WriteNoteCommand(ClinicalSessionId SessionId);

/// <summary>Starts the session's progress note from a blank template for a member who may edit the client (not drafted); returns the existing note when there is one.</summary>
/// <remarks>Another practice's session or one the member may not see is "not found" / denied, audited. Audited as Created with the member.</remarks>
public sealed class WriteNoteHandler(SessionTranscriptAccess access, SessionNoteStarter starter, IAuditLog audit)
{
    /// <summary>The note's id.</summary>
    public async Task<NoteId> HandleAsync(WriteNoteCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (allowed, session) = await access.RequireAsync(command.SessionId, ClientPermission.Edit, client, ct);
        var (note, created) = await starter.CreateAsync(session, allowed.Actor.UserId, drafting: false, ct);
        if (created)
        {
            await NoteAccess.RecordAsync(audit, allowed.Actor, client, AuditAction.Created, AuditResult.Success, note, ct, ("session", session.Id.ToString()), ("version", "1"));
        }

        return note.Id;
    }
}
