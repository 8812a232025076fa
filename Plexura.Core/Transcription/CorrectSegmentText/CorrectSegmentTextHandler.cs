using System.Globalization;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Transcription.CorrectSegmentText;

/// <summary>Correct the text of one span of a transcript segment.</summary>
/// <param name="SessionId">The clinical session.</param>
/// <param name="SegmentIndex">The segment.</param>
/// <param name="SpanIndex">The span within the segment (its line).</param>
/// <param name="Text">The corrected text; blank removes the words (the span stays, empty).</param>
/// <param name="BasedOnRevision">The segment revision the correction was made on; a newer one means someone else corrected it meanwhile.</param>
public sealed record CorrectSegmentTextCommand(ClinicalSessionId SessionId, int SegmentIndex, int SpanIndex, string Text, int BasedOnRevision);

/// <summary>Stores a correction as a new revision of the segment (who and when), keeping every earlier one (HIPAA 5.3).</summary>
/// <remarks>
/// Needs <see cref="ClientPermission.Edit"/> on the session's client. The text follows <see cref="PersonText"/>
/// (multi-line, at most <see cref="MaxLength"/> characters); times and speaker labels stay as they were. A correction
/// on a stale revision is refused with <see cref="ConcurrencyConflictException"/> rather than silently overwriting
/// a colleague's. Audited as <see cref="AuditAction.Updated"/> with the segment and the new revision number, never
/// the text; a correction that changes nothing stores nothing.
/// </remarks>
public sealed class CorrectSegmentTextHandler(
    SessionTranscriptAccess access, ITranscriptRepository transcripts, TranscriptProtector protector, IAuditLog audit, TimeProvider time)
{
    /// <summary>The audit target type of a transcript segment.</summary>
    public const string TargetType = "transcript-segment";

    /// <summary>The longest corrected text of one span.</summary>
    public const int MaxLength = 20_000;

    /// <summary>The segment's revision number after the correction.</summary>
    /// <exception cref="RecordNotFoundException">No such session or segment (or span) in the member's practice.</exception>
    /// <exception cref="AccessDeniedException">The member may not edit the session's client.</exception>
    /// <exception cref="ValidationFailedException">The text breaks a rule.</exception>
    /// <exception cref="ConcurrencyConflictException">The segment was corrected since <see cref="CorrectSegmentTextCommand.BasedOnRevision"/>.</exception>
    public async Task<int> HandleAsync(CorrectSegmentTextCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (allowed, session) = await access.RequireAsync(command.SessionId, ClientPermission.Edit, client, ct);
        var actor = allowed.Actor;
        var target = TranscriptSegment.IdFor(session.Id, Math.Max(command.SegmentIndex, 0));
        return await AccessAudit.RefusingInvalidInputAsync(
            audit, actor, client, AuditAction.Updated, TargetType, target, session.ClientId,
            async () =>
            {
                var text = PersonText.Optional(command.Text, "The corrected text", MaxLength, multiline: true) ?? string.Empty;
                var segment = command.SegmentIndex < 0
                    ? null
                    : await transcripts.GetSegmentAsync(actor.PracticeId, session.Id, command.SegmentIndex, ct);
                if (segment is null)
                {
                    throw new RecordNotFoundException(TranscriptSegment.RecordType);
                }

                if (segment.Current.Number != command.BasedOnRevision)
                {
                    throw new ConcurrencyConflictException(TranscriptSegment.RecordType);
                }

                var spans = await protector.RevealAsync(segment, segment.Current, ct);
                if (command.SpanIndex < 0 || command.SpanIndex >= spans.Count)
                {
                    throw new RecordNotFoundException(TranscriptSegment.RecordType);
                }

                if (string.Equals(spans[command.SpanIndex].Text, text, StringComparison.Ordinal))
                {
                    return segment.Current.Number;
                }

                var number = segment.Current.Number + 1;
                var changed = spans.Select((s, i) => i == command.SpanIndex ? s with { Text = text } : s).ToList();
                var revision = new TranscriptRevision(
                    number, actor.UserId, time.GetUtcNow(), await protector.SealAsync(actor.PracticeId, segment.Id, number, changed, ct));
                await transcripts.ReplaceSegmentAsync(actor.PracticeId, segment with { Revisions = [.. segment.Revisions, revision] }, ct);
                await AccessAudit.RecordAsync(
                    audit, actor, client, AuditAction.Updated, AuditResult.Success, TargetType, segment.Id, session.ClientId, ct,
                    ("session", session.Id.ToString()),
                    ("span", command.SpanIndex.ToString(CultureInfo.InvariantCulture)),
                    ("revision", number.ToString(CultureInfo.InvariantCulture)));
                return number;
            },
            ct);
    }
}
