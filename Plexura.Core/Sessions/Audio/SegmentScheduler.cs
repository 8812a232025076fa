using System.Text.Json;
using Plexura.Core.Common;
using Plexura.Core.Jobs;

namespace Plexura.Core.Sessions.Audio;

/// <summary>Cuts every segment the stored audio allows, queues its transcription, and moves a stopped session on when all its audio is in.</summary>
/// <remarks>
/// <para>Runs after every stored chunk and after stop. Segments are cut by <see cref="SegmentPlanner"/> from the samples
/// after <see cref="ClinicalSession.SegmentedSamples"/>; each gets a <see cref="JobKind"/> job whose payload holds ids and
/// sample positions only and whose dedupe key is <c>transcribe-segment/{sessionId}/{index}</c>. Jobs are queued before the
/// session records the cut, so a crash in between loses nothing: the next run cuts the same segments again (the
/// planner is deterministic) and the queue keeps one job per key.</para>
/// <para>A stopped session whose chunks 0 to <see cref="ClinicalSession.ChunkCount"/> - 1 are all stored gets its last
/// segment and becomes transcribing (transcribed at once when nothing was recorded). A concurrent change of the session
/// (a pause, another chunk) is met by reloading and planning again.</para>
/// </remarks>
public sealed class SegmentScheduler(
    ISessionAudioStore audio, IClinicalSessionRepository sessions, IJobQueue jobs, Transcription.TranscribeSegment.TranscriptCompletion completion)
{
    /// <summary>The job kind that transcribes one segment.</summary>
    public const string JobKind = "transcribe-segment";

    private const int MaxAttempts = 10;

    /// <summary>The dedupe key of segment <paramref name="index"/>'s job.</summary>
    public static string DedupeKey(ClinicalSessionId sessionId, int index) =>
        $"{JobKind}/{sessionId}/{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The job payload of <paramref name="segment"/>: <c>{sessionId, index, startSample, endSample}</c>.</summary>
    public static string Payload(SegmentSpan segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["sessionId"] = segment.SessionId.ToString(),
            ["index"] = segment.Index,
            ["startSample"] = segment.StartSample,
            ["endSample"] = segment.EndSample,
        });
    }

    /// <summary>Advances <paramref name="session"/> as far as the stored audio allows; returns the session as stored.</summary>
    public Task<ClinicalSession> AdvanceAsync(ClinicalSession session, CancellationToken ct) => AdvanceAsync(session, null, ct);

    /// <summary>
    /// Advances <paramref name="session"/> as far as the stored audio allows, starting from <paramref name="known"/> (the
    /// status the store answered when it stored a chunk, which saves reading it again); returns the session as stored.
    /// </summary>
    /// <remarks>A status older than the session's cuts plans nothing; after a concurrent change the status is read again.</remarks>
    public async Task<ClinicalSession> AdvanceAsync(ClinicalSession session, AudioChunkStatus? known, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        for (var attempt = 1; ; attempt++)
        {
            var status = attempt == 1 && known is not null ? known : await audio.GetStatusAsync(session.PracticeId, session.Id, ct);
            var next = await PlanAsync(session, status, ct);
            if (next == session)
            {
                return session;
            }

            ClinicalSession updated;
            try
            {
                updated = await sessions.UpdateAsync(session.PracticeId, next, ct);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                session = await sessions.GetAsync(session.PracticeId, session.Id, ct) ?? throw new RecordNotFoundException(ClinicalSession.RecordType);
                continue;
            }

            // The last segment's job may have stored its text before the session moved on: finish it here then.
            if (updated.Status == ClinicalSessionStatus.Transcribing && session.Status != ClinicalSessionStatus.Transcribing
                && await completion.TryCompleteAsync(updated.PracticeId, updated.Id, ct))
            {
                return await sessions.GetAsync(updated.PracticeId, updated.Id, ct) ?? updated;
            }

            return updated;
        }
    }

    private async Task<ClinicalSession> PlanAsync(ClinicalSession session, AudioChunkStatus status, CancellationToken ct)
    {
        var complete = session.Status == ClinicalSessionStatus.Stopped && session.ChunkCount is { } count && status.NextSequence >= count;
        var pending = status.ContiguousSamples - session.SegmentedSamples;
        var next = session;
        if (!complete && pending >= SegmentPlanner.TargetSamples + (SegmentPlanner.WindowSamples / 2) && pending < SegmentPlanner.DecisionSamples)
        {
            // Undecided segment: only the samples after its target can end it now, so read those (about 5 s), not all of it.
            var from = session.SegmentedSamples + SegmentPlanner.TargetStartOffset;
            var tail = await audio.ReadSamplesAsync(session.PracticeId, session.Id, from, status.ContiguousSamples, ct);
            if (SegmentPlanner.FindQuietCutAfterTarget(tail) is { } cut)
            {
                var segment = new SegmentSpan(session.Id, session.SegmentCount, session.SegmentedSamples, session.SegmentedSamples + cut);
                await jobs.EnqueueAsync(new JobRequest(JobKind, session.PracticeId, Payload(segment), DedupeKey(session.Id, segment.Index)), ct);
                next = next with { SegmentCount = session.SegmentCount + 1, SegmentedSamples = segment.EndSample };
            }
        }
        else if (pending > 0 && (complete || pending >= SegmentPlanner.TargetSamples + (SegmentPlanner.WindowSamples / 2)))
        {
            var samples = await audio.ReadSamplesAsync(session.PracticeId, session.Id, session.SegmentedSamples, status.ContiguousSamples, ct);
            var segments = SegmentPlanner.Plan(session.Id, session.SegmentCount, session.SegmentedSamples, samples, complete);
            foreach (var segment in segments)
            {
                await jobs.EnqueueAsync(new JobRequest(JobKind, session.PracticeId, Payload(segment), DedupeKey(session.Id, segment.Index)), ct);
            }

            if (segments.Count > 0)
            {
                next = next with { SegmentCount = session.SegmentCount + segments.Count, SegmentedSamples = segments[^1].EndSample };
            }
        }

        if (complete)
        {
            next = next.MoveTo(next.SegmentCount == 0 ? ClinicalSessionStatus.Transcribed : ClinicalSessionStatus.Transcribing);
        }

        return next;
    }
}
