using System.Text.Json;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Sessions;

namespace Plexura.Core.Transcription.TranscribeSegment;

/// <summary>What the session's background jobs share: their payload, the system actor and the session updates.</summary>
internal static class SessionJobs
{
    /// <summary>The audit target type of a session's raw audio.</summary>
    public const string AudioTargetType = "session-audio";

    /// <summary>The audit target type of a session's transcript.</summary>
    public const string TranscriptTargetType = "session-transcript";

    private const int MaxAttempts = 10;

    /// <summary>The actor of what a job does: the app itself, named so an auditor can tell it from a member.</summary>
    public static readonly AuditActor System = new(null, "system:jobs");

    /// <summary>Reads the session id from a job's payload; null when the payload is not one of ours.</summary>
    public static ClinicalSessionId? SessionIdOf(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            return json.RootElement.TryGetProperty("sessionId", out var id) && Guid.TryParse(id.GetString(), out var guid) && guid != Guid.Empty
                ? new ClinicalSessionId(guid)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Applies <paramref name="change"/> to the stored session, retrying on a concurrent change; null when the change is not needed.</summary>
    public static async Task<ClinicalSession?> UpdateAsync(
        IClinicalSessionRepository sessions, PracticeId practiceId, ClinicalSessionId sessionId, Func<ClinicalSession, ClinicalSession?> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var session = await sessions.GetAsync(practiceId, sessionId, ct);
            if (session is null || change(session) is not { } next || next == session)
            {
                return null;
            }

            try
            {
                return await sessions.UpdateAsync(practiceId, next, ct);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
            }
        }
    }

    /// <summary>Records what a job did to a session (ids and codes only).</summary>
    public static Task RecordAsync(
        IAuditLog audit, ClinicalSession session, AuditAction action, AuditResult result, string targetType, CancellationToken ct, params (string Key, string Value)[] details)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["session"] = session.Id.ToString() };
        foreach (var (key, value) in details)
        {
            fields[key] = value;
        }

        return audit.RecordAsync(
            new AuditEntry(session.PracticeId, System, null, null, action, targetType, session.Id.ToString(), session.ClientId.ToString(), result, fields),
            ct);
    }
}
