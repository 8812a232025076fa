using System.Globalization;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Notes.Templates;
using Plexura.Core.Transcription;

namespace Plexura.Core.Notes.GetNote;

/// <summary>Open a note.</summary>
/// <param name="NoteId">The note.</param>
/// <param name="ContinuingView">True when the same page view already opened (and audited) the note and only refreshes it (polling while drafting): authorized again, not audited again.</param>
public sealed record GetNoteCommand(NoteId NoteId, bool ContinuingView = false);

/// <summary>Open a session's progress note.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="ContinuingView">As <see cref="GetNoteCommand.ContinuingView"/>.</param>
public sealed record GetSessionNoteCommand(ClinicalSessionId SessionId, bool ContinuingView = false);

/// <summary>A note as a permitted member sees it.</summary>
/// <param name="Note">The note (state, drafting, signature, addenda summaries).</param>
/// <param name="Content">The current version's content.</param>
/// <param name="Template">The template's sections (titles, guidance, which are required).</param>
/// <param name="Permissions">What the member may do to the client now (Edit: edit, sign, amend).</param>
/// <param name="Addenda">The addenda's words, oldest first.</param>
public sealed record NoteView(Note Note, NoteContent Content, NoteTemplate Template, ClientPermissions Permissions, IReadOnlyList<NoteAddendumView> Addenda);

/// <summary>One addendum as shown.</summary>
/// <param name="VersionNumber">Its version.</param>
/// <param name="By">Who wrote it.</param>
/// <param name="At">When.</param>
/// <param name="Reason">Why.</param>
/// <param name="Text">What it says.</param>
/// <param name="Hash">Its SHA-256 (hex).</param>
public sealed record NoteAddendumView(int VersionNumber, UserId By, DateTimeOffset At, string Reason, string Text, string Hash);

/// <summary>Builds what a note page shows, and audits the view.</summary>
public sealed class NoteReader(INoteRepository notes, NoteWriter writer, NoteProtector protector, INoteTemplateCatalog templates, IAuditLog audit)
{
    /// <summary>The note's template (a psychotherapy note's own; a template that no longer exists: every section required).</summary>
    public async Task<NoteTemplate> TemplateAsync(Note note, NoteContent content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(content);
        if (note.Kind == NoteKind.Psychotherapy)
        {
            return NoteWriter.PsychotherapyTemplate;
        }

        return await templates.FindAsync(note.PracticeId, note.TemplateKey, ct)
            ?? new NoteTemplate(note.TemplateKey, note.TemplateKey, [.. content.Sections.Select(s => new TemplateSection(s.Key, s.Title, string.Empty, true))]);
    }

    /// <summary>The view, audited as one PHI view unless <paramref name="continuingView"/>.</summary>
    /// <remarks>
    /// Whatever path found the note (by id, by session, a list of the client's notes), a psychotherapy note is read only
    /// for its author: for anyone else it is "not found", audited as Denied, like <see cref="NoteAccess"/> does.
    /// </remarks>
    /// <exception cref="RecordNotFoundException">A psychotherapy note and the member is not its author.</exception>
    public async Task<NoteView> ReadAsync(AuthorizedClientAccess allowed, Note note, bool continuingView, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        ArgumentNullException.ThrowIfNull(note);
        if (note.Kind == NoteKind.Psychotherapy && note.AuthorUserId != allowed.Actor.UserId)
        {
            await NoteAccess.RecordAsync(audit, allowed.Actor, client, AuditAction.PhiViewed, AuditResult.Denied, note, ct, ("reason", "unknown-note"));
            throw new RecordNotFoundException(Note.RecordType);
        }

        var (version, content) = await writer.CurrentAsync(note, ct);
        var addenda = new List<NoteAddendumView>();
        foreach (var summary in note.Addenda)
        {
            var stored = await notes.GetVersionAsync(note.PracticeId, note.Id, summary.VersionNumber, ct);
            if (stored is not null && await protector.RevealAddendumAsync(stored, ct) is { } words)
            {
                addenda.Add(new NoteAddendumView(summary.VersionNumber, summary.By, summary.At, words.Reason, words.Text, summary.Hash));
            }
        }

        if (!continuingView)
        {
            await NoteAccess.RecordAsync(
                audit, allowed.Actor, client, AuditAction.PhiViewed, AuditResult.Success, note, ct,
                ("version", version.Number.ToString(CultureInfo.InvariantCulture)), ("kind", note.Kind.ToString().ToLowerInvariant()));
        }

        return new NoteView(note, content, await TemplateAsync(note, content, ct), allowed.Permissions, addenda);
    }
}

/// <summary>Opens a note: authorized on its client (View; a psychotherapy note: its author only), decrypted, audited as one PHI view per page view.</summary>
public sealed class GetNoteHandler(NoteAccess access, NoteReader reader)
{
    /// <summary>The note.</summary>
    public async Task<NoteView> HandleAsync(GetNoteCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (allowed, note) = await access.RequireAsync(command.NoteId, ClientPermission.View, client, ct);
        return await reader.ReadAsync(allowed, note, command.ContinuingView, client, ct);
    }
}

/// <summary>Opens a session's progress note (View on the session's client); null when the session has none yet.</summary>
public sealed class GetSessionNoteHandler(SessionTranscriptAccess access, INoteRepository notes, NoteReader reader)
{
    /// <summary>The note, or null.</summary>
    public async Task<NoteView?> HandleAsync(GetSessionNoteCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (allowed, session) = await access.RequireAsync(command.SessionId, ClientPermission.View, client, ct);
        var note = await notes.FindForSessionAsync(allowed.Actor.PracticeId, session.Id, ct);
        return note is null ? null : await reader.ReadAsync(allowed, note, command.ContinuingView, client, ct);
    }
}
