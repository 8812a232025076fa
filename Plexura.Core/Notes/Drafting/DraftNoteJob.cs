using System.Text.Json;
using Microsoft.Extensions.Logging;
using Plexura.Core.Common;
using Plexura.Core.Jobs;

namespace Plexura.Core.Notes.Drafting;

/// <summary>
/// Drafts a note, or one section of it (kind <see cref="DraftNotePayload.JobKind"/>): reads the work from the note
/// store, streams the model's draft to the note's open editors through <see cref="INoteDraftFeed"/>, and stores it.
/// </summary>
/// <remarks>
/// <para><b>At least once, effect once.</b> <see cref="INoteDraftingStore.BeginAsync"/> gives nothing to draft for a note
/// that is gone, signed, a psychotherapy note, superseded by a newer request or already drafted by this job, and
/// <see cref="INoteDraftingStore.ApplyAsync"/> is idempotent for the job; nothing is stored before the draft is complete.</para>
/// <para><b>Streaming.</b> Progress is published at the first output, whenever a statement is complete, and otherwise at
/// most every <see cref="ProgressInterval"/> while text arrives; the complete draft is published once stored.</para>
/// <para><b>Failures.</b> A transient failure (429 with its Retry-After, 5xx, timeout, a cut-off stream) is retried by the
/// job runner with backoff; unusable output (<see cref="NoteDraftingFailedException.IsOutputFault"/>) is retried once;
/// while no model is configured the job waits without using up its attempts. A permanent failure, a second unusable
/// output, and a transient failure of the last attempt are recorded with <see cref="INoteDraftingStore.FailAsync"/>
/// (which audits it; the note offers Retry) and end the job. Every failure is published with its code, so an open
/// editor stops showing a draft in progress. Only codes and ids are logged: never the transcript or the draft.</para>
/// </remarks>
public sealed class DraftNoteJob(
    INoteDraftingStore store,
    INoteDrafter drafter,
    INoteDraftFeed feed,
    TimeProvider time,
    ILogger<DraftNoteJob> logger) : IJobHandler
{
    /// <summary>The longest time progress goes unpublished while the model's output grows (statement-complete progress is published at once).</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a drafting job waits before asking again whether a model has been configured.</summary>
    public static readonly TimeSpan NotConfiguredRetry = TimeSpan.FromMinutes(5);

    /// <summary>The code of a job whose payload cannot be read.</summary>
    public const string BadPayload = "bad-payload";

    /// <inheritdoc />
    public string Kind => DraftNotePayload.JobKind;

    /// <summary>The payload of a drafting job: the record as JSON.</summary>
    public static string PayloadOf(DraftNotePayload payload) => JsonSerializer.Serialize(payload, JsonSerializerOptions.Web);

    /// <summary>The payload written by <see cref="PayloadOf"/> (or by the record's default serialization); null when malformed.</summary>
    public static DraftNotePayload? Parse(string payload)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize<DraftNotePayload>(payload, JsonSerializerOptions.Web);
            return parsed is { Request: > 0 } && parsed.NoteId.Value != Guid.Empty ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.PracticeId is not { } practiceId || Parse(context.Payload) is not { } job)
        {
            return JobOutcome.Failed(BadPayload);
        }

        if (!drafter.IsConfigured)
        {
            return JobOutcome.Postpone(NotConfiguredRetry, NoteDraftingFailedException.NotConfigured);
        }

        var work = await store.BeginAsync(practiceId, job, ct);
        if (work is null)
        {
            return JobOutcome.Done;
        }

        var run = new Run(practiceId, job, feed, time);
        try
        {
            await foreach (var snapshot in drafter.DraftAsync(new NoteDraftRequest(work.Sections, work.Transcript), ct))
            {
                run.Next(snapshot);
            }
        }
        catch (NoteDraftingFailedException e)
        {
            return await FailedAsync(practiceId, job, context, e, run, ct);
        }

        if (run.Last is not { } draft)
        {
            // The drafter ended without a draft: nothing the model wrote can be stored.
            return await FailedAsync(practiceId, job, context, new NoteDraftingFailedException(isTransient: true, null, NoteDraftingFailedException.CutOff), run, ct);
        }

        await store.ApplyAsync(practiceId, job, draft, ct);
        run.Publish(draft, isComplete: true, failureCode: null);
        logger.LogInformation("Note {NoteId} drafted (request {Request}, section {Section})", job.NoteId, job.Request, job.Section ?? "all");
        return JobOutcome.Done;
    }

    private async Task<JobOutcome> FailedAsync(
        PracticeId practiceId, DraftNotePayload job, JobContext context, NoteDraftingFailedException e, Run run, CancellationToken ct)
    {
        if (e.Code == NoteDraftingFailedException.NotConfigured)
        {
            // The key or model was removed while the job waited: wait for one without using up attempts.
            run.Publish(run.Last ?? Run.Empty, isComplete: false, e.Code);
            return JobOutcome.Postpone(NotConfiguredRetry, e.Code);
        }

        var retry = e.IsTransient && !context.IsLastAttempt && (!e.IsOutputFault || context.Attempt < 2);
        logger.LogWarning(
            "Drafting note {NoteId} failed: {Code} (attempt {Attempt}, {Outcome})",
            job.NoteId, e.Code, context.Attempt, retry ? "will retry" : "failed");
        if (!retry)
        {
            await store.FailAsync(practiceId, job, e.Code, ct);
        }

        run.Publish(run.Last ?? Run.Empty, isComplete: false, e.Code);
        return retry ? JobOutcome.RetryLater(e.RetryAfter, e.Code) : JobOutcome.Failed(e.Code);
    }

    /// <summary>One run's progress: the latest snapshot and when it was last published.</summary>
    private sealed class Run(PracticeId practiceId, DraftNotePayload job, INoteDraftFeed feed, TimeProvider time)
    {
        private DateTimeOffset? _firstTokenAt;
        private DateTimeOffset _publishedAt;
        private (int Sections, int Statements)? _publishedShape;

        public NoteDraft? Last { get; private set; }

        public static NoteDraft Empty { get; } = new([], string.Empty);

        public void Next(NoteDraft snapshot)
        {
            var now = time.GetUtcNow();
            _firstTokenAt ??= now;
            Last = snapshot;

            // A new statement or section means the one before it is complete: show it at once.
            var shape = (snapshot.Sections.Count, snapshot.Sections.Sum(s => s.Statements.Count));
            if (_publishedShape is null || shape != _publishedShape || now - _publishedAt >= ProgressInterval)
            {
                _publishedShape = shape;
                Publish(snapshot, isComplete: false, failureCode: null);
            }
        }

        public void Publish(NoteDraft draft, bool isComplete, string? failureCode)
        {
            _publishedAt = time.GetUtcNow();
            feed.Publish(practiceId, job.NoteId, new DraftProgress(job.Section, draft, isComplete, failureCode, _firstTokenAt));
        }
    }
}
