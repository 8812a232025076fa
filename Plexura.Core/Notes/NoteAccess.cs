using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Notes;

/// <summary>The check every note use case calls first: the note in the member's practice (and, for a psychotherapy note, the member its author), then the client gate.</summary>
/// <remarks>
/// The note is looked up in the signed-in member's practice only, so another practice's note is "not found" (audited
/// as Denied with code <c>unknown-note</c>). A psychotherapy note is "not found" the same way for everyone but its
/// author, owners included. The permission is then decided on the note's client by <see cref="ClientAccessGate"/>.
/// </remarks>
public sealed class NoteAccess(PracticeActorLoader loader, INoteRepository notes, ClientAccessGate gate, IAuditLog audit)
{
    /// <summary>The audit target type of a note.</summary>
    public const string TargetType = "note";

    /// <summary>The note and the member's access to its client when <paramref name="permission"/> is allowed; otherwise audits and throws.</summary>
    /// <exception cref="RecordNotFoundException">No such note (or client) the member may know of.</exception>
    /// <exception cref="AccessDeniedException">The member may not do this to the note's client.</exception>
    public async Task<(AuthorizedClientAccess Access, Note Note)> RequireAsync(NoteId noteId, ClientPermission permission, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var actor = await loader.LoadAsync(ct);
        var note = await notes.GetAsync(actor.PracticeId, noteId, ct);
        if (note is null || note.Id != noteId || (note.Kind == NoteKind.Psychotherapy && note.AuthorUserId != actor.UserId))
        {
            await AccessAudit.RecordAsync(
                audit, actor, client, AccessAudit.ActionFor(permission), AuditResult.Denied, TargetType, noteId.ToString(), null, ct,
                ("reason", "unknown-note"), ("permission", permission.ToString().ToLowerInvariant()));
            throw new RecordNotFoundException(Note.RecordType);
        }

        var access = await gate.RequireAsync(note.ClientId, permission, client, ct);
        return (access, note);
    }

    /// <summary>Records what a member did to a note (ids, numbers and codes only).</summary>
    internal static Task RecordAsync(
        IAuditLog audit, PracticeActor actor, ClientInfo client, AuditAction action, AuditResult result, Note note, CancellationToken ct, params (string Key, string Value)[] details) =>
        AccessAudit.RecordAsync(audit, actor, client, action, result, TargetType, note.Id.ToString(), note.ClientId, ct, details);

    /// <summary>Records what the app did to a note on its own (drafting).</summary>
    internal static Task RecordSystemAsync(IAuditLog audit, Note note, AuditAction action, AuditResult result, CancellationToken ct, params (string Key, string Value)[] details) =>
        audit.RecordAsync(
            new AuditEntry(
                note.PracticeId, new AuditActor(null, "system:jobs"), null, null, action, TargetType, note.Id.ToString(), note.ClientId.ToString(), result,
                details.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal)),
            ct);
}
