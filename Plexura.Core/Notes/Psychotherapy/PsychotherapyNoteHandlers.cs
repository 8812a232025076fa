using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Notes.Psychotherapy;

/// <summary>Start a psychotherapy (process) note about a client.</summary>
/// <param name="ClientId">The client.</param>
public sealed record CreatePsychotherapyNoteCommand(ClientId ClientId);

/// <summary>List the signed-in member's own psychotherapy notes about a client.</summary>
/// <param name="ClientId">The client.</param>
public sealed record ListPsychotherapyNotesCommand(ClientId ClientId);

/// <summary>One of the member's psychotherapy notes in a list (no text).</summary>
/// <param name="NoteId">The note.</param>
/// <param name="Status">Draft or signed.</param>
/// <param name="CreatedAt">When it was started.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record PsychotherapyNoteSummary(NoteId NoteId, NoteStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Starts a psychotherapy note (Edit permission on the client): visible only to its author, never drafted, never exported or pushed.</summary>
public sealed class CreatePsychotherapyNoteHandler(ClientAccessGate gate, INoteRepository notes, NoteProtector protector, IAuditLog audit, TimeProvider time)
{
    /// <summary>The new note's id.</summary>
    public async Task<NoteId> HandleAsync(CreatePsychotherapyNoteCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var allowed = await gate.RequireAsync(command.ClientId, ClientPermission.Edit, client, ct);
        var actor = allowed.Actor;
        var now = time.GetUtcNow();
        var id = NoteId.New();
        var template = NoteWriter.PsychotherapyTemplate;
        var note = new Note(
            id, actor.PracticeId, Note.OwnKey(id), command.ClientId, null, actor.UserId, NoteKind.Psychotherapy, template.Key, NoteStatus.Draft,
            DraftingState.NotRequested, null, 0, null, 1, 0, 1, null, [], now, now);
        var content = new NoteContent([.. template.Sections.Select(s => new NoteSection(s.Key, s.Title, []))], []);
        var first = await protector.NewVersionAsync(actor.PracticeId, id, 1, actor.UserId, now, NoteVersionReasons.Created, content, null, ct);
        if (!await notes.TryAddAsync(actor.PracticeId, note, first, ct))
        {
            throw new ConcurrencyConflictException(Note.RecordType);
        }

        await NoteAccess.RecordAsync(audit, actor, client, AuditAction.Created, AuditResult.Success, note, ct, ("kind", "psychotherapy"), ("version", "1"));
        return id;
    }
}

/// <summary>Lists the member's own psychotherapy notes about a client (View permission); other members' are never listed, whatever the role.</summary>
public sealed class ListPsychotherapyNotesHandler(ClientAccessGate gate, INoteRepository notes)
{
    /// <summary>The notes, oldest first.</summary>
    public async Task<IReadOnlyList<PsychotherapyNoteSummary>> HandleAsync(ListPsychotherapyNotesCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var allowed = await gate.RequireAsync(command.ClientId, ClientPermission.View, client, ct);
        var all = await notes.ListForClientAsync(allowed.Actor.PracticeId, command.ClientId, ct);
        return [.. all.Where(n => n.Kind == NoteKind.Psychotherapy && n.AuthorUserId == allowed.Actor.UserId)
            .Select(n => new PsychotherapyNoteSummary(n.Id, n.Status, n.CreatedAt, n.UpdatedAt))];
    }
}
