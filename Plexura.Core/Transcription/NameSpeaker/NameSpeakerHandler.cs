using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Transcription.NameSpeaker;

/// <summary>Say who a speaker label of a session's transcript is.</summary>
/// <param name="SessionId">The clinical session.</param>
/// <param name="Label">The model's label, as it appears in the transcript (for example "A").</param>
/// <param name="Role">Who it is: the clinician, the client, or someone else.</param>
public sealed record NameSpeakerCommand(ClinicalSessionId SessionId, string Label, SpeakerRole Role);

/// <summary>Names a speaker label; every naming is kept with who and when, the latest counts.</summary>
/// <remarks>
/// Needs <see cref="ClientPermission.Edit"/> on the session's client. The label must appear in the session's current
/// transcript (anything else is refused as invalid input, audited). Audited as <see cref="AuditAction.Updated"/> with
/// the label and the role. Naming a label what it already is stores nothing.
/// </remarks>
public sealed class NameSpeakerHandler(
    SessionTranscriptAccess access, ITranscriptRepository transcripts, TranscriptProtector protector, IAuditLog audit, TimeProvider time)
{
    /// <summary>The audit target type of a transcript's speaker names.</summary>
    public const string TargetType = "transcript-speaker";

    /// <summary>Shown when the label is not in the transcript.</summary>
    public const string UnknownLabelMessage = "That speaker does not appear in this transcript.";

    /// <summary>Stores the naming.</summary>
    /// <exception cref="RecordNotFoundException">No such session in the member's practice.</exception>
    /// <exception cref="AccessDeniedException">The member may not edit the session's client.</exception>
    /// <exception cref="ValidationFailedException">The label is not in the transcript, or the role is not one of the three.</exception>
    /// <exception cref="ConcurrencyConflictException">Someone else named a speaker of this session at the same moment.</exception>
    public async Task HandleAsync(NameSpeakerCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (allowed, session) = await access.RequireAsync(command.SessionId, ClientPermission.Edit, client, ct);
        var actor = allowed.Actor;
        await AccessAudit.RefusingInvalidInputAsync(
            audit, actor, client, AuditAction.Updated, TargetType, session.Id.ToString(), session.ClientId,
            async () =>
            {
                if (!Enum.IsDefined(command.Role))
                {
                    throw new ValidationFailedException("Choose clinician, client or other.");
                }

                if (string.IsNullOrEmpty(command.Label) || command.Label.Length > 64 || !await AppearsAsync(actor.PracticeId, session.Id, command.Label, ct))
                {
                    throw new ValidationFailedException(UnknownLabelMessage);
                }

                var stored = await transcripts.GetSpeakersAsync(actor.PracticeId, session.Id, ct);
                if (stored?.Current.TryGetValue(command.Label, out var role) == true && role == command.Role)
                {
                    return true;
                }

                var naming = new SpeakerNaming(command.Label, command.Role, actor.UserId, time.GetUtcNow());
                var speakers = stored is null
                    ? new TranscriptSpeakers(session.Id.ToString(), actor.PracticeId, session.Id, [naming])
                    : stored with { Namings = [.. stored.Namings, naming] };
                await transcripts.SaveSpeakersAsync(actor.PracticeId, speakers, isNew: stored is null, ct);
                await AccessAudit.RecordAsync(
                    audit, actor, client, AuditAction.Updated, AuditResult.Success, TargetType, session.Id.ToString(), session.ClientId, ct,
                    ("label", command.Label), ("role", command.Role.ToString().ToLowerInvariant()));
                return true;
            },
            ct);
    }

    private async Task<bool> AppearsAsync(PracticeId practiceId, ClinicalSessionId sessionId, string label, CancellationToken ct)
    {
        foreach (var segment in await transcripts.ListSegmentsAsync(practiceId, sessionId, ct))
        {
            if ((await protector.RevealAsync(segment, segment.Current, ct)).Any(s => string.Equals(s.Speaker, label, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
