using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Practices;

/// <summary>
/// Writes one practice setting the way every setting is written: read the practice, do nothing when the value is
/// already the one asked for, update with optimistic concurrency (a concurrent edit is retried on the fresh copy), and
/// audit the change as a settings change with the setting's name and its old and new value (codes, never PHI).
/// </summary>
internal static class PracticeSettingWriter
{
    private const int MaxAttempts = 5;

    /// <summary>Sets a setting read by <paramref name="read"/> to <paramref name="to"/> through <paramref name="apply"/>.</summary>
    /// <param name="practices">The practice store.</param>
    /// <param name="audit">The audit log.</param>
    /// <param name="actor">The member changing it, already authorized.</param>
    /// <param name="client">Where the request came from.</param>
    /// <param name="setting">The setting's audit name ("time-zone").</param>
    /// <param name="read">The setting's current value, as the audit code it is recorded with.</param>
    /// <param name="to">The new value's audit code.</param>
    /// <param name="apply">The practice with the new value.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>Whether anything changed.</returns>
    public static async Task<bool> ChangeAsync(
        IPracticeRepository practices,
        IAuditLog audit,
        PracticeActor actor,
        ClientInfo client,
        string setting,
        Func<Practice, string> read,
        string to,
        Func<Practice, Practice> apply,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var practice = await practices.GetAsync(actor.PracticeId, ct) ?? throw new RecordNotFoundException("practice");
            var from = read(practice);
            if (string.Equals(from, to, StringComparison.Ordinal))
            {
                return false;
            }

            try
            {
                await practices.UpdateAsync(actor.PracticeId, apply(practice), ct);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                continue;
            }

            await audit.RecordAsync(
                new AuditEntry(
                    actor.PracticeId,
                    new AuditActor(actor.UserId, actor.Email),
                    client.SourceIp,
                    client.UserAgent,
                    AuditAction.SettingsChanged,
                    "practice",
                    actor.PracticeId.ToString(),
                    null,
                    AuditResult.Success,
                    new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["setting"] = setting,
                        ["from"] = from,
                        ["to"] = to,
                    }),
                ct);
            return true;
        }
    }
}
