using System.Security.Cryptography;
using System.Text;
using Plexura.Core.Common;
using Plexura.Core.Notes.Templates;

namespace Plexura.Core.Notes;

/// <summary>Notes thrown when a change is refused because of the note's state (signed, or not signed for an addendum), as a 409.</summary>
/// <param name="message">What to tell the member (no PHI).</param>
public sealed class NoteStateConflictException(string message) : Exception(message);

/// <summary>Reads a note's current content and stores new versions (the note's number claimed first, then the version).</summary>
/// <remarks>
/// A save updates the note (its <see cref="Note.CurrentVersion"/>) with an optimistic-concurrency check, which claims the
/// new number for exactly one writer, then stores the version. Should the process stop between the two, the note's
/// current content is the latest stored version.
/// </remarks>
public sealed class NoteWriter(INoteRepository notes, NoteProtector protector, TimeProvider time)
{
    /// <summary>The longest statement.</summary>
    public const int MaxStatementLength = 4_000;

    /// <summary>The longest section (all its statements' text).</summary>
    public const int MaxSectionLength = 20_000;

    /// <summary>The most statements in a section.</summary>
    public const int MaxStatements = 200;

    /// <summary>The largest saved note (its content as JSON, in bytes).</summary>
    public const int MaxNoteBytes = 256 * 1024;

    /// <summary>The sections of a psychotherapy note (not drafted, nothing required).</summary>
    public static readonly NoteTemplate PsychotherapyTemplate = new(
        "psychotherapy", "Psychotherapy note", [new TemplateSection("process", "Process notes", "The clinician's own process notes.", false)]);

    /// <summary>The current version and its content.</summary>
    public async Task<(NoteVersion Version, NoteContent Content)> CurrentAsync(Note note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(note);
        var version = await notes.GetVersionAsync(note.PracticeId, note.Id, note.CurrentVersion, ct);
        if (version is null)
        {
            var all = await notes.ListVersionsAsync(note.PracticeId, note.Id, ct);
            version = all.Count > 0 ? all[^1] : throw new RecordNotFoundException(NoteVersion.RecordType);
        }

        return (version, await protector.RevealAsync(version, ct));
    }

    /// <summary>A version's content, decrypted.</summary>
    public Task<NoteContent> RevealAsync(NoteVersion version, CancellationToken ct) => protector.RevealAsync(version, ct);

    /// <summary>Stores <paramref name="content"/> as the note's next version, with <paramref name="change"/> applied to the note.</summary>
    /// <exception cref="ConcurrencyConflictException">The note changed since it was read.</exception>
    /// <exception cref="ValidationFailedException">The note would be larger than <see cref="MaxNoteBytes"/>.</exception>
    public async Task<(Note Note, NoteVersion Version)> AppendAsync(
        Note note, UserId? by, string reason, NoteContent content, NoteAddendumText? addendum, Func<Note, int, DateTimeOffset, Note>? change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(content);
        CheckSize(content);
        var number = note.CurrentVersion + 1;
        var at = time.GetUtcNow();
        var changed = (change?.Invoke(note, number, at) ?? note) with { CurrentVersion = number, UpdatedAt = at };
        var version = await protector.NewVersionAsync(note.PracticeId, note.Id, number, by, at, reason, content, addendum, ct);
        var stored = await notes.UpdateAsync(note.PracticeId, changed, ct);
        await notes.AddVersionAsync(note.PracticeId, version, ct);
        return (stored, version);
    }

    /// <summary>Refuses content larger than <see cref="MaxNoteBytes"/>.</summary>
    public static void CheckSize(NoteContent content)
    {
        if (Encoding.UTF8.GetByteCount(NoteCanonical.Serialize(content)) > MaxNoteBytes)
        {
            throw new ValidationFailedException($"A note can hold at most {MaxNoteBytes / 1024} KB of text.");
        }
    }

    /// <summary>A new statement id.</summary>
    public static string NewStatementId() => $"st-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    /// <summary>Whether two sections say exactly the same (statements, citations, reviews).</summary>
    public static bool SameSection(NoteSection? a, NoteSection? b) =>
        a is not null && b is not null && NoteCanonical.Serialize(new NoteContent([a], [])) == NoteCanonical.Serialize(new NoteContent([b], []));

    /// <summary>Whether two contents are the same.</summary>
    public static bool SameContent(NoteContent a, NoteContent b) => NoteCanonical.Serialize(a) == NoteCanonical.Serialize(b);

    /// <summary>The content with one section replaced.</summary>
    public static NoteContent WithSection(NoteContent content, NoteSection section) =>
        content with { Sections = [.. content.Sections.Select(s => s.Key == section.Key ? section : s)] };

    /// <summary>Refuses a change to a signed note.</summary>
    public static void RequireDraft(Note note)
    {
        if (note.Status == NoteStatus.Signed)
        {
            throw new NoteStateConflictException("The note is signed and locked: add an addendum instead.");
        }
    }

    /// <summary>Refuses a change made on an older version than the current one.</summary>
    public static void RequireCurrent(Note note, int basedOnVersion)
    {
        if (note.CurrentVersion != basedOnVersion)
        {
            throw new ConcurrencyConflictException(Note.RecordType);
        }
    }

    /// <summary>A risk scan's hits as the note's risk items (all pending).</summary>
    public static IReadOnlyList<RiskItem> RisksFrom(IEnumerable<Evidence.RiskHit> hits) =>
        [.. hits.OrderBy(h => h.Passage).Select(h => new RiskItem(
            $"risk-{h.Passage}-{h.Category.ToString().ToLowerInvariant()}", h.Category, h.Polarity, h.Passage, h.Phrase, RiskReview.Pending, null, false))
            .DistinctBy(r => r.Id)];
}
