using System.Globalization;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Transcription.CorrectSegmentText;
using Plexura.Core.Transcription.GetTranscript;
using Plexura.Core.Users;

namespace Plexura.Core.Transcription.GetSegmentHistory;

/// <summary>Show every version of one transcript segment.</summary>
/// <param name="SessionId">The clinical session.</param>
/// <param name="SegmentIndex">The segment.</param>
public sealed record GetSegmentHistoryCommand(ClinicalSessionId SessionId, int SegmentIndex);

/// <summary>One version of a segment.</summary>
/// <param name="Number">0 = the machine's transcript, then each correction.</param>
/// <param name="EditedBy">Who made it; null for the machine's.</param>
/// <param name="At">When it was stored.</param>
/// <param name="Lines">Its text, on the session's timeline (speaker names as they are now).</param>
public sealed record SegmentRevisionView(int Number, UserId? EditedBy, DateTimeOffset At, IReadOnlyList<TranscriptLine> Lines)
{
    /// <summary>The display name of <see cref="EditedBy"/> (or a placeholder when the account is gone); null for the machine's.</summary>
    public string? EditedByName { get; init; }
}

/// <summary>Lists a segment's revisions, oldest first: authorized (View), decrypted, audited as one PHI view.</summary>
public sealed class GetSegmentHistoryHandler(
    SessionTranscriptAccess access, ITranscriptRepository transcripts, TranscriptProtector protector, IUserRepository users, IAuditLog audit)
{
    /// <summary>Named as the editor when the member's account no longer exists.</summary>
    public const string FormerMemberName = "A former member";

    /// <summary>The revisions, oldest first.</summary>
    /// <exception cref="RecordNotFoundException">No such session or segment in the member's practice.</exception>
    /// <exception cref="AccessDeniedException">The member may not view the session's client.</exception>
    public async Task<IReadOnlyList<SegmentRevisionView>> HandleAsync(GetSegmentHistoryCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (allowed, session) = await access.RequireAsync(command.SessionId, ClientPermission.View, client, ct);
        var practice = allowed.Actor.PracticeId;
        var segment = command.SegmentIndex < 0 ? null : await transcripts.GetSegmentAsync(practice, session.Id, command.SegmentIndex, ct);
        if (segment is null)
        {
            throw new RecordNotFoundException(TranscriptSegment.RecordType);
        }

        var names = (await transcripts.GetSpeakersAsync(practice, session.Id, ct))?.Current ?? new Dictionary<string, SpeakerRole>(StringComparer.Ordinal);
        var revisions = new List<SegmentRevisionView>(segment.Revisions.Count);
        foreach (var revision in segment.Revisions)
        {
            var spans = await protector.RevealAsync(segment, revision, ct);
            var editor = revision.EditedBy is { } by ? (await users.GetAsync(by, ct))?.DisplayName ?? FormerMemberName : null;
            revisions.Add(new SegmentRevisionView(revision.Number, revision.EditedBy, revision.At, GetTranscriptHandler.Lines(segment, spans, names))
            {
                EditedByName = editor,
            });
        }

        await AccessAudit.RecordAsync(
            audit, allowed.Actor, client, AuditAction.PhiViewed, AuditResult.Success, CorrectSegmentTextHandler.TargetType, segment.Id, session.ClientId, ct,
            ("session", session.Id.ToString()), ("revisions", revisions.Count.ToString(CultureInfo.InvariantCulture)));
        return revisions;
    }
}
