using System.Text.Json;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Jobs;
using Plexura.Core.Notes.Drafting;
using Plexura.Core.Notes.Evidence;
using Plexura.Core.Notes.Templates;
using Plexura.Core.Sessions;

namespace Plexura.Core.Notes.StartNote;

/// <summary>Creates a session's progress note: one per session, whoever asks first (the transcript's completion or a clinician).</summary>
/// <remarks>
/// The note is written on the template <see cref="INoteTemplateCatalog.ForSessionAsync"/> gives, with empty sections and
/// the risk items <see cref="IRiskScanner"/> finds in whatever transcript exists (version 1, reason "created"). When
/// drafting is asked for and configured (<see cref="INoteDrafter.IsConfigured"/>), a <c>draft-note</c> job for
/// request 1 is queued. Idempotent: a second call returns the stored note and queues nothing.
/// </remarks>
public sealed class SessionNoteStarter(
    IClinicalSessionRepository sessions,
    INoteRepository notes,
    INoteTemplateCatalog templates,
    NoteTranscript transcript,
    IRiskScanner scanner,
    NoteProtector protector,
    IJobQueue jobs,
    INoteDrafter drafter,
    IAuditLog audit,
    TimeProvider time,
    Billing.BillingGuard billing)
{
    /// <summary>The session's note, created (drafting queued when configured) if it did not exist; null when there is no such session.</summary>
    /// <remarks>Called by the app when the transcript is complete; the audit names the system actor.</remarks>
    public async Task<Note?> StartAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct)
    {
        var session = await sessions.GetAsync(practiceId, sessionId, ct);
        return session is null ? null : (await CreateAsync(session, session.ClinicianUserId, drafting: true, ct)).Note;
    }

    /// <summary>The session's note and whether this call created it.</summary>
    public async Task<(Note Note, bool Created)> CreateAsync(ClinicalSession session, UserId author, bool drafting, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var practiceId = session.PracticeId;
        if (await notes.FindForSessionAsync(practiceId, session.Id, ct) is { } existing)
        {
            return (existing, false);
        }

        var template = await templates.ForSessionAsync(practiceId, session, ct);
        var lines = await transcript.LoadAsync(practiceId, session.Id, ct);
        var content = new NoteContent(
            [.. template.Sections.Select(s => new NoteSection(s.Key, s.Title, []))],
            NoteWriter.RisksFrom(scanner.Scan(lines)));
        var queue = drafting && drafter.IsConfigured && await billing.AllowsNewWorkAsync(practiceId, ct);
        var state = queue ? DraftingState.Queued : drafter.IsConfigured ? DraftingState.NotRequested : DraftingState.Off;
        var now = time.GetUtcNow();
        var id = NoteId.New();
        var note = new Note(
            id, practiceId, Note.SessionKey(session.Id), session.ClientId, session.Id, author, NoteKind.Progress, template.Key, NoteStatus.Draft,
            state, null, queue ? 1 : 0, null, 1, 0, 1, null, [], now, now);
        var first = await protector.NewVersionAsync(practiceId, id, 1, null, now, NoteVersionReasons.Created, content, null, ct);
        if (!await notes.TryAddAsync(practiceId, note, first, ct))
        {
            return (await notes.FindForSessionAsync(practiceId, session.Id, ct) ?? throw new ConcurrencyConflictException(Note.RecordType), false);
        }

        await NoteAccess.RecordSystemAsync(
            audit, note, AuditAction.Created, AuditResult.Success, ct,
            ("session", session.Id.ToString()), ("version", "1"), ("risks", content.Risks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("drafting", state.ToString().ToLowerInvariant()));
        if (queue)
        {
            await EnqueueAsync(jobs, practiceId, new DraftNotePayload(id, null, 1), ct);
        }

        return (note, true);
    }

    /// <summary>Queues a drafting job (payload: the record as web JSON, dedupe key per note and request).</summary>
    internal static Task EnqueueAsync(IJobQueue jobs, PracticeId practiceId, DraftNotePayload payload, CancellationToken ct) =>
        jobs.EnqueueAsync(new JobRequest(DraftNotePayload.JobKind, practiceId, JsonSerializer.Serialize(payload, JsonSerializerOptions.Web), payload.DedupeKey), ct);
}
