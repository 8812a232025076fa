using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Plexura.Core.Auditing;

/// <summary>Computes an audit event's SHA-256 hash over a canonical encoding of all its fields.</summary>
/// <remarks>
/// The encoding is length-prefixed and in a fixed field order, with details sorted by key, so two different events
/// can never encode to the same bytes and a change to any field (including the previous hash, which links the
/// chain) changes the hash. Bumping <see cref="FormatTag"/> is the only way to change the encoding.
/// </remarks>
public static class AuditHasher
{
    /// <summary>Identifies this canonical encoding inside every hash.</summary>
    public const string FormatTag = "plexura-audit-v1";

    /// <summary>The hex SHA-256 of the event's canonical encoding (its own <c>Hash</c> is not part of it).</summary>
    public static string ComputeHash(AuditEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(buffer, FormatTag);
        Write(buffer, e.Id.ToString("D"));
        Write(buffer, e.PracticeId.Value.ToString("D"));
        Write(buffer, e.Sequence.ToString(CultureInfo.InvariantCulture));
        Write(buffer, e.Timestamp.UtcTicks.ToString(CultureInfo.InvariantCulture));
        Write(buffer, e.ActorUserId?.Value.ToString("D"));
        Write(buffer, e.ActorEmail);
        Write(buffer, e.SourceIp);
        Write(buffer, e.UserAgent);
        Write(buffer, e.Action.ToString());
        Write(buffer, e.TargetType);
        Write(buffer, e.TargetId);
        Write(buffer, e.ClientId);
        Write(buffer, e.Result.ToString());
        WriteInt(buffer, e.Details.Count);
        foreach (var pair in e.Details.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Write(buffer, pair.Key);
            Write(buffer, pair.Value);
        }

        Write(buffer, e.PreviousHash);

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
    }

    private static void Write(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            WriteInt(buffer, -1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt(buffer, length);
        var span = buffer.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        buffer.Advance(length);
    }

    private static void WriteInt(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }
}
