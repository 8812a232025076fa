using System.Globalization;
using Plexura.Core.Common;

namespace Plexura.Core.Transcription;

/// <summary>One version of a segment's text: the machine's (number 0) or a clinician's correction.</summary>
/// <param name="Number">0 for the machine transcript, then 1, 2, ... for each correction.</param>
/// <param name="EditedBy">Who corrected it; null for the machine transcript.</param>
/// <param name="At">When it was stored.</param>
/// <param name="ProtectedSpans">The segment's spans (times, text, speaker labels), encrypted with the practice key.</param>
public sealed record TranscriptRevision(int Number, UserId? EditedBy, DateTimeOffset At, string ProtectedSpans);

/// <summary>The transcript of one transcription segment of a clinical session, with every version of its text.</summary>
/// <param name="Id">The segment's key: session id and index (<see cref="IdFor"/>), so a segment is stored once however often its job runs.</param>
/// <param name="PracticeId">The owning practice.</param>
/// <param name="SessionId">The clinical session.</param>
/// <param name="Index">The segment's position in the session, from 0.</param>
/// <param name="Start">Where the segment starts on the session's timeline.</param>
/// <param name="End">Where it ends on the session's timeline.</param>
/// <param name="Model">The model that transcribed it.</param>
/// <param name="Revisions">Every version of its text, oldest first; the last is current. Never shrinks: corrections append.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <remarks>Text is only ever stored encrypted, bound to the practice, segment and revision number.</remarks>
public sealed record TranscriptSegment(
    string Id,
    PracticeId PracticeId,
    ClinicalSessionId SessionId,
    int Index,
    TimeSpan Start,
    TimeSpan End,
    string Model,
    IReadOnlyList<TranscriptRevision> Revisions,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors and bound into the encryption.</summary>
    public const string RecordType = "transcript segment";

    /// <summary>The current version of the text.</summary>
    public TranscriptRevision Current => Revisions[^1];

    /// <summary>The stored key of segment <paramref name="index"/> of <paramref name="sessionId"/>; sorts by index.</summary>
    public static string IdFor(ClinicalSessionId sessionId, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{sessionId}-{index:D6}");
}

/// <summary>What a clinician says a speaker label stands for.</summary>
public enum SpeakerRole
{
    /// <summary>The clinician.</summary>
    Clinician,

    /// <summary>The client.</summary>
    Client,

    /// <summary>Someone else in the room (a family member, an interpreter).</summary>
    Other,
}

/// <summary>One naming of a speaker label; a later naming of the same label replaces it, and both are kept.</summary>
/// <param name="Label">The model's label, for example "A".</param>
/// <param name="Role">Who the label is.</param>
/// <param name="By">Who named it.</param>
/// <param name="At">When.</param>
public sealed record SpeakerNaming(string Label, SpeakerRole Role, UserId By, DateTimeOffset At);

/// <summary>The speaker names of one session's transcript, with their history.</summary>
/// <param name="Id">The session id (one document per session).</param>
/// <param name="PracticeId">The owning practice.</param>
/// <param name="SessionId">The clinical session.</param>
/// <param name="Namings">Every naming, oldest first.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <remarks>Labels and roles are not PHI (a label is the model's letter, a role one of three words), so nothing here is encrypted.</remarks>
public sealed record TranscriptSpeakers(
    string Id,
    PracticeId PracticeId,
    ClinicalSessionId SessionId,
    IReadOnlyList<SpeakerNaming> Namings,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors.</summary>
    public const string RecordType = "transcript speakers";

    /// <summary>The current role of each named label.</summary>
    public IReadOnlyDictionary<string, SpeakerRole> Current =>
        Namings.GroupBy(n => n.Label, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Role, StringComparer.Ordinal);
}

/// <summary>Stores transcript segments and speaker names. Every method is scoped to one practice; another practice's data is "not found".</summary>
public interface ITranscriptRepository
{
    /// <summary>Adds a segment; false (and nothing changed) when a segment with its id is already stored.</summary>
    Task<bool> TryAddSegmentAsync(PracticeId practiceId, TranscriptSegment segment, CancellationToken ct);

    /// <summary>The segment, or null.</summary>
    Task<TranscriptSegment?> GetSegmentAsync(PracticeId practiceId, ClinicalSessionId sessionId, int index, CancellationToken ct);

    /// <summary>Every stored segment of the session, in index order.</summary>
    Task<IReadOnlyList<TranscriptSegment>> ListSegmentsAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct);

    /// <summary>Stores a changed segment if nobody changed it since it was read; returns it with its new version.</summary>
    /// <exception cref="ConcurrencyConflictException">It was changed since.</exception>
    Task<TranscriptSegment> ReplaceSegmentAsync(PracticeId practiceId, TranscriptSegment segment, CancellationToken ct);

    /// <summary>The session's speaker names, or null when none was named yet.</summary>
    Task<TranscriptSpeakers?> GetSpeakersAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct);

    /// <summary>Stores the session's speaker names: added at version 0, else replaced if unchanged since read.</summary>
    /// <exception cref="ConcurrencyConflictException">Someone else named a speaker at the same time.</exception>
    Task<TranscriptSpeakers> SaveSpeakersAsync(PracticeId practiceId, TranscriptSpeakers speakers, bool isNew, CancellationToken ct);
}
