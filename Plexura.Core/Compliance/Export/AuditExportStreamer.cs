using System.Buffers;
using System.Security.Cryptography;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Core.Compliance.Export;

/// <summary>What was written: the event count, first and last sequence numbers and the file's SHA-256.</summary>
/// <param name="Count">Events written.</param>
/// <param name="FirstSequence">The first event's sequence number, or null.</param>
/// <param name="LastSequence">The last event's sequence number, or null.</param>
/// <param name="Sha256">The lowercase hex SHA-256 of every byte written.</param>
public sealed record AuditExportSummary(long Count, long? FirstSequence, long? LastSequence, string Sha256);

/// <summary>Streams a practice's matching audit events into an export file, hashing the bytes as they go.</summary>
/// <remarks>
/// Constant memory whatever the count: events come from <see cref="IAuditStore.StreamAsync"/> in bounded batches, are
/// formatted by one <see cref="AuditExportWriter"/> into one reused buffer, and each full buffer is hashed and written
/// out before the next is filled. Nothing of the file is kept, so the manifest is built from the running hash and counts.
/// </remarks>
public static class AuditExportStreamer
{
    private const int FlushBytes = 64 * 1024;

    /// <summary>Writes the events of <paramref name="query"/> in <paramref name="format"/> to <paramref name="output"/>.</summary>
    public static async Task<AuditExportSummary> WriteAsync(
        IAuditStore store, PracticeId practiceId, AuditQuery query, AuditExportFormat format, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(output);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new ArrayBufferWriter<byte>(FlushBytes * 2);
        using var writer = new AuditExportWriter(format, buffer);
        writer.WriteHeader();
        long count = 0;
        long? first = null;
        long? last = null;
        await foreach (var e in store.StreamAsync(practiceId, query, ct))
        {
            writer.Write(e);
            count++;
            first ??= e.Sequence;
            last = e.Sequence;
            if (buffer.WrittenCount >= FlushBytes)
            {
                await FlushAsync(buffer, sha, output, ct);
            }
        }

        await FlushAsync(buffer, sha, output, ct);
        await output.FlushAsync(ct);
        return new AuditExportSummary(count, first, last, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private static async Task FlushAsync(ArrayBufferWriter<byte> buffer, IncrementalHash sha, Stream output, CancellationToken ct)
    {
        if (buffer.WrittenCount == 0)
        {
            return;
        }

        sha.AppendData(buffer.WrittenSpan);
        await output.WriteAsync(buffer.WrittenMemory, ct);
        buffer.ResetWrittenCount();
    }
}
