using Plexura.Core.Common;
using Plexura.Core.Notes.Templates;

namespace Plexura.Core.Notes.Drafting;

/// <summary>One statement as the drafting model wrote it, before the app checks its citations.</summary>
/// <param name="Text">The statement.</param>
/// <param name="Citations">The transcript lines the model says support it.</param>
/// <param name="Uncertain">The model marked it uncertain.</param>
public sealed record DraftedStatement(string Text, IReadOnlyList<PassageRef> Citations, bool Uncertain);

/// <summary>One section as drafted.</summary>
/// <param name="Key">The template section's key.</param>
/// <param name="Statements">Its statements so far, in order.</param>
public sealed record DraftedSection(string Key, IReadOnlyList<DraftedStatement> Statements);

/// <summary>A draft, complete or as far as it has streamed.</summary>
/// <param name="Sections">The sections drafted so far, in order; while streaming, the last statement's text may be partial.</param>
/// <param name="Model">The model that wrote it.</param>
public sealed record NoteDraft(IReadOnlyList<DraftedSection> Sections, string Model);

/// <summary>What a drafting run has to work with, read by the note store (decrypted, in memory only).</summary>
/// <param name="NoteId">The note being drafted.</param>
/// <param name="ClientId">Its client (for the audit log).</param>
/// <param name="SessionId">Its session.</param>
/// <param name="Sections">The template sections to draft: all of them, or the one being redrafted.</param>
/// <param name="Transcript">The session's transcript, every line in order.</param>
public sealed record DraftingWork(NoteId NoteId, ClientId ClientId, ClinicalSessionId SessionId, IReadOnlyList<TemplateSection> Sections, IReadOnlyList<TranscriptPassage> Transcript);

/// <summary>Where the drafting job reads its work and writes its result: implemented by the notes feature.</summary>
/// <remarks>
/// Every method is scoped to the job's practice. The job's <see cref="DraftNotePayload.Section"/> is null for a whole-note
/// draft and a section's key for a redraft of that section alone; a superseded request (a newer one exists) begins nothing.
/// </remarks>
public interface INoteDraftingStore
{
    /// <summary>The work, or null when there is nothing to draft (the note is gone, signed, a psychotherapy note, the request superseded, or already applied by an earlier run of the same job).</summary>
    Task<DraftingWork?> BeginAsync(PracticeId practiceId, DraftNotePayload job, CancellationToken ct);

    /// <summary>
    /// Stores the complete draft as a new note version: drafted sections replace only sections the clinician has not
    /// edited since the draft was asked for (a redraft replaces its one section's drafted statements and keeps the
    /// clinician's own); every citation is verified by the app. Idempotent for the same job.
    /// </summary>
    Task ApplyAsync(PracticeId practiceId, DraftNotePayload job, NoteDraft draft, CancellationToken ct);

    /// <summary>Records that drafting failed for good (the note says so and offers Retry); <paramref name="code"/> names no PHI.</summary>
    Task FailAsync(PracticeId practiceId, DraftNotePayload job, string code, CancellationToken ct);
}

/// <summary>The drafting job's payload (ids and a section key only, never PHI) and its job kind.</summary>
/// <param name="NoteId">The note to draft.</param>
/// <param name="Section">Null for the whole note, or the key of the one section to redraft.</param>
/// <param name="Request">The note's draft-request number: each request (first draft, retry, redraft) is its own job, dedupe key <see cref="DedupeKey"/>.</param>
public sealed record DraftNotePayload(NoteId NoteId, string? Section, int Request)
{
    /// <summary>The job kind of a drafting run.</summary>
    public const string JobKind = "draft-note";

    /// <summary>The job's identity: one job per note and request.</summary>
    public string DedupeKey => $"{JobKind}/{NoteId}/{Request}";
}

/// <summary>How far a drafting run has come, published as the model's output streams in.</summary>
/// <param name="Section">The section being redrafted, or null for a whole-note draft.</param>
/// <param name="Draft">Everything drafted so far (the last statement may be partial).</param>
/// <param name="IsComplete">The model finished and the draft was stored.</param>
/// <param name="FailureCode">Set when the run failed (no PHI); the stored note says whether it will be retried.</param>
/// <param name="FirstTokenAt">When the model's first token arrived (for the latency benchmark).</param>
public sealed record DraftProgress(string? Section, NoteDraft Draft, bool IsComplete, string? FailureCode, DateTimeOffset? FirstTokenAt);

/// <summary>In-process publish/subscribe of drafting progress, so an open editor shows the draft as it streams.</summary>
/// <remarks>Progress is not stored: a page that opens late (or on another instance) reads the stored note instead.</remarks>
public interface INoteDraftFeed
{
    /// <summary>Tells every subscriber of the note.</summary>
    void Publish(PracticeId practiceId, NoteId noteId, DraftProgress progress);

    /// <summary>Calls <paramref name="onProgress"/> for each progress of the note until disposed.</summary>
    IDisposable Subscribe(PracticeId practiceId, NoteId noteId, Action<DraftProgress> onProgress);
}
