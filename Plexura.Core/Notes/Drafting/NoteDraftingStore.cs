using System.Globalization;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Notes.Evidence;
using Plexura.Core.Notes.GetNote;

namespace Plexura.Core.Notes.Drafting;

/// <summary>The notes side of drafting: what a drafting job works on, and where its draft is stored (citations verified by the app).</summary>
/// <remarks>
/// A job whose request is not the note's latest (superseded), or was applied already (an earlier run of the same job),
/// begins and applies nothing. A whole-note draft replaces only sections unchanged since the request was made (compared
/// with the version current then); a section redraft replaces that section's drafted statements still pending review and
/// keeps the clinician's own and those they accepted or edited. Every drafted statement's citations are measured by
/// <see cref="IEvidenceVerifier"/>; risk items cited by the draft are marked as mentioned. The draft is a new version by
/// the drafter (no user), reason "drafted", audited with the system actor; a concurrent save by the clinician is retried
/// against the newer version.
/// </remarks>
public sealed class NoteDraftingStore(INoteRepository notes, NoteWriter writer, NoteReader reader, NoteTranscript transcript, IEvidenceVerifier verifier, IAuditLog audit)
    : INoteDraftingStore
{
    private const int MaxAttempts = 10;

    /// <inheritdoc />
    public async Task<DraftingWork?> BeginAsync(PracticeId practiceId, DraftNotePayload job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        for (var attempt = 1; ; attempt++)
        {
            var note = await notes.GetAsync(practiceId, job.NoteId, ct);
            if (note is null || !IsLive(note, job) || note.SessionId is not { } sessionId)
            {
                return null;
            }

            var (_, content) = await writer.CurrentAsync(note, ct);
            var template = await reader.TemplateAsync(note, content, ct);
            var sections = job.Section is null ? template.Sections : [.. template.Sections.Where(s => s.Key == job.Section)];
            if (sections.Count == 0)
            {
                return null;
            }

            try
            {
                if (note.Drafting != DraftingState.Drafting)
                {
                    note = await notes.UpdateAsync(practiceId, note with { Drafting = DraftingState.Drafting }, ct);
                }

                return new DraftingWork(note.Id, note.ClientId, sessionId, sections, await transcript.LoadAsync(practiceId, sessionId, ct));
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
            }
        }
    }

    /// <inheritdoc />
    public async Task ApplyAsync(PracticeId practiceId, DraftNotePayload job, NoteDraft draft, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(draft);
        for (var attempt = 1; ; attempt++)
        {
            var note = await notes.GetAsync(practiceId, job.NoteId, ct);
            if (note is null || !IsLive(note, job) || note.SessionId is not { } sessionId)
            {
                return;
            }

            var (_, content) = await writer.CurrentAsync(note, ct);
            var baseVersion = await notes.GetVersionAsync(practiceId, note.Id, note.DraftBaseVersion, ct);
            var baseContent = baseVersion is null ? null : await writer.RevealAsync(baseVersion, ct);
            var lines = await transcript.LoadAsync(practiceId, sessionId, ct);
            var merged = Merge(content, baseContent, job.Section, draft, lines);
            try
            {
                var (stored, version) = await writer.AppendAsync(
                    note, null, NoteVersionReasons.Drafted, merged, null,
                    (n, _, _) => n with { Drafting = DraftingState.Drafted, DraftingFailureCode = null, DraftAppliedRequest = job.Request },
                    ct);
                await NoteAccess.RecordSystemAsync(
                    audit, stored, AuditAction.Updated, AuditResult.Success, ct,
                    ("event", "drafted"), ("version", version.Number.ToString(CultureInfo.InvariantCulture)),
                    ("request", job.Request.ToString(CultureInfo.InvariantCulture)), ("section", job.Section ?? "*"), ("model", draft.Model));
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
            }
        }
    }

    /// <inheritdoc />
    public async Task FailAsync(PracticeId practiceId, DraftNotePayload job, string code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        for (var attempt = 1; ; attempt++)
        {
            var note = await notes.GetAsync(practiceId, job.NoteId, ct);
            if (note is null || !IsLive(note, job) || note.Drafting == DraftingState.Failed)
            {
                return;
            }

            try
            {
                var failed = await notes.UpdateAsync(practiceId, note with { Drafting = DraftingState.Failed, DraftingFailureCode = code }, ct);
                await NoteAccess.RecordSystemAsync(
                    audit, failed, AuditAction.Updated, AuditResult.Failed, ct,
                    ("event", "drafting-failed"), ("code", code), ("request", job.Request.ToString(CultureInfo.InvariantCulture)));
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
            }
        }
    }

    /// <summary>The content with the draft merged in (pure).</summary>
    internal NoteContent Merge(NoteContent current, NoteContent? atRequest, string? onlySection, NoteDraft draft, IReadOnlyList<TranscriptPassage> lines)
    {
        var byRef = lines.ToDictionary(l => l.Ref);
        var drafted = draft.Sections.GroupBy(s => s.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var sections = new List<NoteSection>(current.Sections.Count);
        foreach (var section in current.Sections)
        {
            var wanted = onlySection is null || section.Key == onlySection;
            if (!wanted || !drafted.TryGetValue(section.Key, out var fresh))
            {
                sections.Add(section);
                continue;
            }

            var statements = fresh.Statements
                .Where(s => !string.IsNullOrWhiteSpace(s.Text))
                .Take(NoteWriter.MaxStatements)
                .Select(s => new NoteStatement(
                    NoteWriter.NewStatementId(),
                    s.Text.Trim().Length > NoteWriter.MaxStatementLength ? s.Text.Trim()[..NoteWriter.MaxStatementLength] : s.Text.Trim(),
                    StatementOrigin.Drafted,
                    [.. s.Citations.Distinct()],
                    verifier.Verify(s.Text, s.Citations, byRef),
                    s.Uncertain,
                    StatementReview.Pending))
                .ToList();
            if (onlySection is not null)
            {
                // A redraft keeps what the clinician wrote, accepted or edited in the section.
                sections.Add(section with { Statements = [.. statements, .. section.Statements.Where(s => s.Origin == StatementOrigin.Clinician || s.Review != StatementReview.Pending)] });
            }
            else if (atRequest is null || NoteWriter.SameSection(section, atRequest.Sections.FirstOrDefault(s => s.Key == section.Key)))
            {
                sections.Add(section with { Statements = statements });
            }
            else
            {
                // The clinician edited this section since the draft was asked for: theirs wins.
                sections.Add(section);
            }
        }

        var cited = sections.SelectMany(s => s.Statements).Where(s => s.Origin == StatementOrigin.Drafted).SelectMany(s => s.Citations).ToHashSet();
        return new NoteContent(sections, [.. current.Risks.Select(r => r with { MentionedByDraft = r.MentionedByDraft || cited.Contains(r.Passage) })]);
    }

    private static bool IsLive(Note note, DraftNotePayload job) =>
        note.Status == NoteStatus.Draft && note.Kind == NoteKind.Progress && note.DraftRequest == job.Request && note.DraftAppliedRequest < job.Request;
}
