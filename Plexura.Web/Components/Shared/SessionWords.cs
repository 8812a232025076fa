using System.Globalization;
using Plexura.Core.Sessions;
using Plexura.Core.Transcription;

namespace Plexura.Web.Components.Shared;

/// <summary>The words pages use for a clinical session's state and its transcript's speakers.</summary>
public static class SessionWords
{
    /// <summary>The session's state in a few plain words ("Transcribing", "Transcription failed").</summary>
    public static string Status(ClinicalSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Status switch
        {
            ClinicalSessionStatus.Recording => "Recording",
            ClinicalSessionStatus.Paused => "Paused",
            ClinicalSessionStatus.Stopped => "Stopped: audio still arriving",
            ClinicalSessionStatus.Transcribing => "Transcribing",
            ClinicalSessionStatus.Transcribed => "Transcript ready",
            ClinicalSessionStatus.Failed => session.FailureCode switch
            {
                "consent-revoked" => "Stopped: consent withdrawn",
                "audio-deleted" => "Transcription failed: recording deleted",
                _ => "Transcription failed",
            },
            _ => session.Status.ToString(),
        };
    }

    /// <summary>Whether the session's state is a problem to show in a warning colour.</summary>
    public static bool IsProblem(ClinicalSession session) => session?.Status == ClinicalSessionStatus.Failed;

    /// <summary>Whether the session may still change on its own (audio or transcript still coming).</summary>
    public static bool IsInProgress(ClinicalSession session) =>
        session?.Status is ClinicalSessionStatus.Recording or ClinicalSessionStatus.Paused or ClinicalSessionStatus.Stopped or ClinicalSessionStatus.Transcribing;

    /// <summary>A speaker as the transcript shows it: the name the clinician gave the label, else "Speaker A"; null without a label.</summary>
    public static string? Speaker(string? label, SpeakerRole? role) => role switch
    {
        SpeakerRole.Clinician => "Clinician",
        SpeakerRole.Client => "Client",
        SpeakerRole.Other => "Other person",
        _ => string.IsNullOrEmpty(label) ? null : $"Speaker {label}",
    };

    /// <summary>A place on the session's timeline: 4:05 or 1:02:05.</summary>
    public static string Offset(TimeSpan offset)
    {
        var time = TimeSpan.FromSeconds(Math.Floor(Math.Max(0, offset.TotalSeconds)));
        return time.TotalHours >= 1
            ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : time.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
