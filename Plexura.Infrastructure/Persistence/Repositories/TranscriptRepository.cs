using Plexura.Core.Common;
using Plexura.Core.Transcription;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Transcript segments and speaker names, on any engine.</summary>
internal sealed class TranscriptRepository(IDocumentStore store) : ITranscriptRepository
{
    private static readonly string SessionField = DocumentFields.Of(nameof(TranscriptSegment.SessionId));

    private readonly IDocumentCollection<TranscriptSegment> _segments = store.Collection(Collections.TranscriptSegments);
    private readonly IDocumentCollection<TranscriptSpeakers> _speakers = store.Collection(Collections.TranscriptSpeakers);

    public async Task<bool> TryAddSegmentAsync(PracticeId practiceId, TranscriptSegment segment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (segment.Id != TranscriptSegment.IdFor(segment.SessionId, segment.Index))
        {
            throw new ArgumentException("A segment's id is its session and index.", nameof(segment));
        }

        try
        {
            await _segments.InsertAsync(DocumentScope.Practice(practiceId), segment, ct);
            return true;
        }
        catch (DuplicateRecordException)
        {
            return false;
        }
    }

    public Task<TranscriptSegment?> GetSegmentAsync(PracticeId practiceId, ClinicalSessionId sessionId, int index, CancellationToken ct) =>
        _segments.GetAsync(DocumentScope.Practice(practiceId), TranscriptSegment.IdFor(sessionId, index), ct);

    public async Task<IReadOnlyList<TranscriptSegment>> ListSegmentsAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct) =>
        [.. (await _segments.FindManyAsync(DocumentScope.Practice(practiceId), SessionField, sessionId.ToString(), ct)).OrderBy(s => s.Index)];

    public Task<TranscriptSegment> ReplaceSegmentAsync(PracticeId practiceId, TranscriptSegment segment, CancellationToken ct) =>
        _segments.ReplaceAsync(DocumentScope.Practice(practiceId), segment, ct);

    public Task<TranscriptSpeakers?> GetSpeakersAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct) =>
        _speakers.GetAsync(DocumentScope.Practice(practiceId), sessionId.ToString(), ct);

    public async Task<TranscriptSpeakers> SaveSpeakersAsync(PracticeId practiceId, TranscriptSpeakers speakers, bool isNew, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(speakers);
        if (!isNew)
        {
            return await _speakers.ReplaceAsync(DocumentScope.Practice(practiceId), speakers, ct);
        }

        try
        {
            await _speakers.InsertAsync(DocumentScope.Practice(practiceId), speakers, ct);
            return speakers;
        }
        catch (DuplicateRecordException)
        {
            // Someone named a speaker of this session first: the same answer as a stale replace.
            throw new ConcurrencyConflictException(TranscriptSpeakers.RecordType);
        }
    }
}
