using Plexura.Core.Common;

namespace Plexura.Core.Auditing;

/// <summary>The audit log every feature writes to (HIPAA statement 5.2).</summary>
public interface IAuditLog
{
    /// <summary>Appends one event to its practice's hash chain and returns it as stored.</summary>
    Task<AuditEvent> RecordAsync(AuditEntry entry, CancellationToken ct);
}

/// <summary>Turns entries into hash-chained events, with the time from the injected <see cref="TimeProvider"/>.</summary>
/// <remarks>
/// Details are limited in size and count because they are meant for ids and codes; the log keeps no PHI, and an
/// accidental free-text field is refused here rather than kept for six years.
/// </remarks>
public sealed class AuditLog(IAuditStore store, TimeProvider time) : IAuditLog
{
    /// <summary>Most detail entries per event.</summary>
    public const int MaxDetails = 16;

    /// <summary>Longest detail key.</summary>
    public const int MaxDetailKeyLength = 64;

    /// <summary>Longest detail value.</summary>
    public const int MaxDetailValueLength = 256;

    private const int MaxFieldLength = 512;

    /// <inheritdoc />
    public Task<AuditEvent> RecordAsync(AuditEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var details = ValidateDetails(entry.Details);
        var id = Guid.CreateVersion7();

        // Millisecond precision: every store (SQLite integer, MongoDB date) keeps exactly this, so hashes verify.
        var now = time.GetUtcNow();
        var timestamp = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

        return store.AppendAsync(entry.PracticeId, head =>
        {
            var e = new AuditEvent(
                id,
                entry.PracticeId,
                head.Sequence + 1,
                timestamp,
                entry.Actor.UserId,
                Clip(entry.Actor.Email),
                Clip(entry.SourceIp),
                Clip(entry.UserAgent),
                entry.Action,
                Clip(entry.TargetType),
                Clip(entry.TargetId),
                Clip(entry.ClientId),
                entry.Result,
                details,
                head.Hash,
                Hash: string.Empty);
            return e with { Hash = AuditHasher.ComputeHash(e) };
        }, ct);
    }

    private static string? Clip(string? value) =>
        value is { Length: > MaxFieldLength } ? value[..MaxFieldLength] : value;

    private static Dictionary<string, string> ValidateDetails(IReadOnlyDictionary<string, string>? details)
    {
        if (details is null || details.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        if (details.Count > MaxDetails)
        {
            throw new ValidationFailedException($"An audit event carries at most {MaxDetails} details.");
        }

        foreach (var (key, value) in details)
        {
            if (key.Length is 0 or > MaxDetailKeyLength || value.Length > MaxDetailValueLength)
            {
                throw new ValidationFailedException(
                    $"Audit detail keys are 1-{MaxDetailKeyLength} characters and values at most {MaxDetailValueLength}.");
            }
        }

        return new Dictionary<string, string>(details, StringComparer.Ordinal);
    }
}
