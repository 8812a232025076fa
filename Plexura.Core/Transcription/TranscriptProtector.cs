using System.Globalization;
using System.Text.Json;
using Plexura.Core.Common;
using Plexura.Core.Security;

namespace Plexura.Core.Transcription;

/// <summary>The one place transcript text is encrypted and decrypted, and where machine transcripts are stored.</summary>
/// <remarks>
/// A revision's spans are sealed as one JSON value under the practice key, bound to the segment and the revision
/// number: a ciphertext moved to another segment, revision or practice does not decrypt.
/// </remarks>
public sealed class TranscriptProtector(IPhiProtector phi, ITranscriptRepository transcripts, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Stores a segment's machine transcript as its revision 0; false when the segment was already stored (a job ran twice).</summary>
    /// <remarks>Idempotent: the first stored text wins, a re-run changes nothing and never touches a correction.</remarks>
    public async Task<bool> SaveMachineTextAsync(
        PracticeId practiceId, ClinicalSessionId sessionId, int index, TimeSpan start, TimeSpan end, TranscriptionResult result, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (end < start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), "A segment cannot end before it starts.");
        }

        var id = TranscriptSegment.IdFor(sessionId, index);
        if (await transcripts.GetSegmentAsync(practiceId, sessionId, index, ct) is not null)
        {
            return false;
        }

        var revision = new TranscriptRevision(0, null, time.GetUtcNow(), await SealAsync(practiceId, id, 0, result.Spans, ct));
        var segment = new TranscriptSegment(id, practiceId, sessionId, index, start, end, result.Model, [revision]);
        return await transcripts.TryAddSegmentAsync(practiceId, segment, ct);
    }

    /// <summary>Encrypts the spans of revision <paramref name="number"/> of a segment.</summary>
    public ValueTask<string> SealAsync(PracticeId practiceId, string segmentId, int number, IReadOnlyList<TranscribedSpan> spans, CancellationToken ct) =>
        phi.ProtectAsync(practiceId, Field(segmentId, number), JsonSerializer.Serialize(spans, Json), ct);

    /// <summary>The spans of a revision, decrypted.</summary>
    /// <exception cref="PhiUnreadableException">Altered, moved, or the practice key was destroyed.</exception>
    public async Task<IReadOnlyList<TranscribedSpan>> RevealAsync(TranscriptSegment segment, TranscriptRevision revision, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(revision);
        var json = await phi.UnprotectAsync(segment.PracticeId, Field(segment.Id, revision.Number), revision.ProtectedSpans, ct);
        try
        {
            return JsonSerializer.Deserialize<List<TranscribedSpan>>(json, Json) ?? throw new PhiUnreadableException("The stored transcript is empty.");
        }
        catch (JsonException)
        {
            throw new PhiUnreadableException("The stored transcript is not readable.");
        }
    }

    private static PhiField Field(string segmentId, int number) =>
        new(TranscriptSegment.RecordType, segmentId, string.Create(CultureInfo.InvariantCulture, $"spans-{number}"));
}
