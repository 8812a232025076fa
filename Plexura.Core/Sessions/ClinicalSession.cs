using Plexura.Core.Common;

namespace Plexura.Core.Sessions;

/// <summary>Where a clinical session stands.</summary>
/// <remarks>The legal moves between states are <see cref="ClinicalSessionTransitions"/>.</remarks>
public enum ClinicalSessionStatus
{
    /// <summary>Started: the session is being recorded.</summary>
    Recording,

    /// <summary>Recording is paused; audio already captured may still be arriving.</summary>
    Paused,

    /// <summary>The clinician stopped recording; audio sent before the stop may still be arriving.</summary>
    Stopped,

    /// <summary>All audio is stored; segments are being transcribed.</summary>
    Transcribing,

    /// <summary>Every segment has its transcript.</summary>
    Transcribed,

    /// <summary>Transcription failed permanently; a retry moves the session back to transcribing.</summary>
    Failed,
}

/// <summary>A therapy session with a client that is being recorded, opened only under the client's active consents.</summary>
/// <param name="Id">The session id.</param>
/// <param name="PracticeId">The owning practice.</param>
/// <param name="ClientId">The client the session is with.</param>
/// <param name="ClinicianUserId">The member who started it.</param>
/// <param name="StartedAt">When recording started.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="ConsentIds">The recording and AI-processing consents that were active when it started.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <remarks>
/// Not the sign-in <c>UserSession</c>. The consent ids are kept on the session as proof for an auditor of which
/// documented consent allowed this recording: a consent revoked or expired later does not erase what allowed it then.
/// Holds ids only, no PHI.
/// </remarks>
public sealed record ClinicalSession(
    ClinicalSessionId Id,
    PracticeId PracticeId,
    ClientId ClientId,
    UserId ClinicianUserId,
    DateTimeOffset StartedAt,
    ClinicalSessionStatus Status,
    IReadOnlyList<ClientConsentId> ConsentIds,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors.</summary>
    public const string RecordType = "clinical session";

    /// <summary>When recording was stopped, or null while it runs.</summary>
    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>How many audio chunks the recorder sent in all, as it said when stopping (sequences 0 to n-1); null until stopped.</summary>
    public int? ChunkCount { get; init; }

    /// <summary>How many transcription segments have been cut (and queued) so far.</summary>
    public int SegmentCount { get; init; }

    /// <summary>The first sample not yet in a segment: every sample before it belongs to exactly one queued segment.</summary>
    public long SegmentedSamples { get; init; }

    /// <summary>
    /// Why transcription stopped, as a fixed code the session page explains (<c>consent-revoked</c>,
    /// <c>transcription-failed</c>); null while nothing went wrong. Never PHI.
    /// </summary>
    public string? FailureCode { get; init; }

    /// <summary>When the session's raw audio is due for deletion (set when its transcript is complete); null before.</summary>
    public DateTimeOffset? AudioKeptUntil { get; init; }

    /// <summary>When the session's raw audio and its key were destroyed; null while the audio exists.</summary>
    public DateTimeOffset? AudioDeletedAt { get; init; }

    /// <summary>
    /// The key of the note template chosen for this session, or null to use the clinician's default (see
    /// <c>INoteTemplateCatalog.ForSessionAsync</c>). Sessions stored before templates existed read as null.
    /// </summary>
    public string? TemplateKey { get; init; }

    /// <summary>Whether the recorder may still be capturing audio (recording or paused).</summary>
    public bool IsOpen => Status is ClinicalSessionStatus.Recording or ClinicalSessionStatus.Paused;

    /// <summary>This session moved to <paramref name="next"/>.</summary>
    /// <exception cref="InvalidSessionTransitionException">The move is not one of <see cref="ClinicalSessionTransitions"/>.</exception>
    public ClinicalSession MoveTo(ClinicalSessionStatus next) =>
        ClinicalSessionTransitions.IsAllowed(Status, next) ? this with { Status = next } : throw new InvalidSessionTransitionException(Status, next);
}

/// <summary>The legal moves between <see cref="ClinicalSessionStatus"/> values.</summary>
/// <remarks>
/// Recording and paused alternate; either may stop. A stopped session moves on to transcribing once all its audio is
/// stored (or straight to transcribed when nothing was recorded), and may fail; transcribing ends transcribed or
/// failed; a failed session goes back to transcribing on retry. Transcribed is final here (the notes issue adds
/// drafted and signed after it). Staying in the same state is not a move.
/// </remarks>
public static class ClinicalSessionTransitions
{
    private static readonly Dictionary<ClinicalSessionStatus, ClinicalSessionStatus[]> Moves = new()
    {
        [ClinicalSessionStatus.Recording] = [ClinicalSessionStatus.Paused, ClinicalSessionStatus.Stopped],
        [ClinicalSessionStatus.Paused] = [ClinicalSessionStatus.Recording, ClinicalSessionStatus.Stopped],
        [ClinicalSessionStatus.Stopped] = [ClinicalSessionStatus.Transcribing, ClinicalSessionStatus.Transcribed, ClinicalSessionStatus.Failed],
        [ClinicalSessionStatus.Transcribing] = [ClinicalSessionStatus.Transcribed, ClinicalSessionStatus.Failed],
        [ClinicalSessionStatus.Transcribed] = [],
        [ClinicalSessionStatus.Failed] = [ClinicalSessionStatus.Transcribing],
    };

    /// <summary>Whether a session in <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    public static bool IsAllowed(ClinicalSessionStatus from, ClinicalSessionStatus to) =>
        Moves.TryGetValue(from, out var targets) && targets.Contains(to);
}

/// <summary>A session was asked to move between states that do not connect (HTTP 409). The message names states only.</summary>
public sealed class InvalidSessionTransitionException(ClinicalSessionStatus from, ClinicalSessionStatus to)
    : Exception($"A {from.ToString().ToLowerInvariant()} session cannot become {to.ToString().ToLowerInvariant()}.")
{
    /// <summary>The state the session is in.</summary>
    public ClinicalSessionStatus From { get; } = from;

    /// <summary>The state asked for.</summary>
    public ClinicalSessionStatus To { get; } = to;
}

/// <summary>Stores clinical sessions. Every method is scoped to one practice; another practice's session is "not found".</summary>
public interface IClinicalSessionRepository
{
    /// <summary>Adds a new session (version 0).</summary>
    /// <exception cref="DuplicateRecordException">A session with this id exists.</exception>
    Task AddAsync(PracticeId practiceId, ClinicalSession session, CancellationToken ct);

    /// <summary>The session, or null when it does not exist in this practice.</summary>
    Task<ClinicalSession?> GetAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct);

    /// <summary>Every session with the client, oldest first.</summary>
    Task<IReadOnlyList<ClinicalSession>> ListForClientAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct);

    /// <summary>Every session the member started, oldest first.</summary>
    Task<IReadOnlyList<ClinicalSession>> ListForClinicianAsync(PracticeId practiceId, UserId clinicianUserId, CancellationToken ct);

    /// <summary>The practice's sessions started at or after <paramref name="since"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ClinicalSession>> ListStartedSinceAsync(PracticeId practiceId, DateTimeOffset since, int limit, CancellationToken ct);

    /// <summary>Replaces the session if its version is current; returns it with the new version.</summary>
    /// <exception cref="RecordNotFoundException">No such session in this practice.</exception>
    /// <exception cref="ConcurrencyConflictException">Someone else changed it first.</exception>
    Task<ClinicalSession> UpdateAsync(PracticeId practiceId, ClinicalSession session, CancellationToken ct);
}
