using Plexura.Core.Common;
using Plexura.Core.Transcription;

namespace Plexura.Core.Notes;

/// <summary>Reads a session's transcript as the note features use it: every line, decrypted, with speakers in words.</summary>
public sealed class NoteTranscript(ITranscriptRepository transcripts, TranscriptProtector protector)
{
    /// <summary>Every transcript line of the session, in order (empty when nothing is transcribed).</summary>
    public async Task<IReadOnlyList<TranscriptPassage>> LoadAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct)
    {
        var segments = await transcripts.ListSegmentsAsync(practiceId, sessionId, ct);
        var speakers = (await transcripts.GetSpeakersAsync(practiceId, sessionId, ct))?.Current;
        var lines = new List<TranscriptPassage>();
        foreach (var segment in segments.OrderBy(s => s.Index))
        {
            var spans = await protector.RevealAsync(segment, segment.Current, ct);
            for (var i = 0; i < spans.Count; i++)
            {
                lines.Add(new TranscriptPassage(new PassageRef(segment.Index, i), segment.Start + spans[i].Start, SpeakerWords(spans[i].Speaker, speakers), spans[i].Text));
            }
        }

        return lines;
    }

    /// <summary>Who spoke, in words: the name given to the label, else "Speaker A"; null when unknown.</summary>
    public static string? SpeakerWords(string? label, IReadOnlyDictionary<string, SpeakerRole>? names) =>
        label is null ? null
        : names is not null && names.TryGetValue(label, out var role) ? role.ToString()
        : $"Speaker {label}";
}
