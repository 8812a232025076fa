using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Transcription.GetTranscript;

/// <summary>Open a session's transcript, or fetch what was added to a view already opened.</summary>
/// <param name="SessionId">The clinical session.</param>
/// <param name="FromIndex">Only segments at or after this index are returned (0: all).</param>
/// <param name="ContinuingView">
/// True when this call only adds the segments that arrived since to a transcript the same page view already opened
/// (and audited) with a call where it was false: authorized the same way, but not audited again, so a page that
/// polls a growing transcript writes one PHI-view event per view, not one per poll.
/// </param>
public sealed record GetTranscriptCommand(ClinicalSessionId SessionId, int FromIndex = 0, bool ContinuingView = false);

/// <summary>One stretch of speech on the session's timeline.</summary>
/// <param name="SpanIndex">Its position in the segment (what a correction names).</param>
/// <param name="Start">Where it starts on the session's timeline.</param>
/// <param name="End">Where it ends on the session's timeline.</param>
/// <param name="Text">What was said (the current version).</param>
/// <param name="SpeakerLabel">The model's speaker label, or null.</param>
/// <param name="Speaker">Who the clinician said the label is, or null while unnamed.</param>
public sealed record TranscriptLine(int SpanIndex, TimeSpan Start, TimeSpan End, string Text, string? SpeakerLabel, SpeakerRole? Speaker);

/// <summary>One segment as shown.</summary>
/// <param name="Index">The segment's position in the session.</param>
/// <param name="Start">Where it starts on the session's timeline.</param>
/// <param name="End">Where it ends.</param>
/// <param name="Revision">The current revision's number (send it back with a correction); 0 = the machine's text.</param>
/// <param name="EditedBy">Who made the current revision; null for the machine's.</param>
/// <param name="EditedAt">When the current revision was stored.</param>
/// <param name="Lines">Its spans, in order.</param>
public sealed record TranscriptSegmentView(
    int Index, TimeSpan Start, TimeSpan End, int Revision, UserId? EditedBy, DateTimeOffset EditedAt, IReadOnlyList<TranscriptLine> Lines);

/// <summary>A session's transcript as a permitted member sees it.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="ClientId">Its client.</param>
/// <param name="Segments">The stored segments in order on the session's timeline (a gap means a segment still being transcribed).</param>
/// <param name="Speakers">The current name of each named speaker label.</param>
/// <param name="SpeakerNamings">Every naming, oldest first (who and when).</param>
/// <param name="Permissions">What the member may do to the client now (Edit: may correct and name speakers).</param>
public sealed record TranscriptView(
    ClinicalSessionId SessionId,
    ClientId ClientId,
    IReadOnlyList<TranscriptSegmentView> Segments,
    IReadOnlyDictionary<string, SpeakerRole> Speakers,
    IReadOnlyList<SpeakerNaming> SpeakerNamings,
    ClientPermissions Permissions);

/// <summary>Opens a session's transcript: authorized on the session's client (View), decrypted, audited as one PHI view.</summary>
/// <remarks>
/// Segment texts are joined in index order; span times (relative to their segment's audio) are moved onto the
/// session's timeline; speaker labels carry the names the clinician gave them. Each opening is one
/// <see cref="AuditAction.PhiViewed"/> event; a page showing a growing transcript opens it once and then asks with
/// <see cref="GetTranscriptCommand.ContinuingView"/> and <see cref="GetTranscriptCommand.FromIndex"/> for the segments
/// that arrived since, which decrypts only those and is authorized afresh each time but not audited again.
/// </remarks>
public sealed class GetTranscriptHandler(SessionTranscriptAccess access, ITranscriptRepository transcripts, TranscriptProtector protector, IAuditLog audit)
{
    /// <summary>The transcript.</summary>
    /// <exception cref="RecordNotFoundException">No such session in the member's practice.</exception>
    /// <exception cref="AccessDeniedException">The member may not view the session's client.</exception>
    public async Task<TranscriptView> HandleAsync(GetTranscriptCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (allowed, session) = await access.RequireAsync(command.SessionId, ClientPermission.View, client, ct);
        var practice = allowed.Actor.PracticeId;
        var segments = await transcripts.ListSegmentsAsync(practice, session.Id, ct);
        var speakers = await transcripts.GetSpeakersAsync(practice, session.Id, ct);
        var names = speakers?.Current ?? new Dictionary<string, SpeakerRole>(StringComparer.Ordinal);
        var views = new List<TranscriptSegmentView>(segments.Count);
        foreach (var segment in segments.Where(s => s.Index >= command.FromIndex).OrderBy(s => s.Index))
        {
            var spans = await protector.RevealAsync(segment, segment.Current, ct);
            views.Add(new TranscriptSegmentView(
                segment.Index, segment.Start, segment.End, segment.Current.Number, segment.Current.EditedBy, segment.Current.At,
                Lines(segment, spans, names)));
        }

        if (!command.ContinuingView)
        {
            await AccessAudit.RecordAsync(
                audit, allowed.Actor, client, AuditAction.PhiViewed, AuditResult.Success, SessionTranscriptAccess.TranscriptTarget, session.Id.ToString(),
                session.ClientId, ct, ("segments", views.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return new TranscriptView(session.Id, session.ClientId, views, names, speakers?.Namings ?? [], allowed.Permissions);
    }

    /// <summary>The spans of a segment on the session's timeline with speaker names applied.</summary>
    internal static IReadOnlyList<TranscriptLine> Lines(
        TranscriptSegment segment, IReadOnlyList<TranscribedSpan> spans, IReadOnlyDictionary<string, SpeakerRole> names) =>
        [.. spans.Select((s, i) => new TranscriptLine(
            i,
            segment.Start + s.Start,
            segment.Start + s.End,
            s.Text,
            s.Speaker,
            s.Speaker is { } label && names.TryGetValue(label, out var role) ? role : null))];
}
