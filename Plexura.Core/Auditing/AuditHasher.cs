using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Plexura.Core.Auditing;

/// <summary>Computes an audit event's SHA-256 hash over a canonical encoding of all its fields.</summary>
/// <remarks>
/// The encoding is length-prefixed and in a fixed field order, with details sorted by key, so two different events
/// can never encode to the same bytes and a change to any field (including the previous hash, which links the
/// chain) changes the hash. Bumping <see cref="FormatTag"/> is the only way to change the encoding.
/// <para>
/// Every field is a UTF-8 string prefixed by its byte length (big-endian int32, -1 for null); numbers and GUIDs are
/// written as their invariant text ("D" for GUIDs), enums as their names. The encoding is written straight into one
/// stack or pooled buffer, without intermediate strings, because verification hashes every event of a chain.
/// </para>
/// </remarks>
public static class AuditHasher
{
    /// <summary>Identifies this canonical encoding inside every hash.</summary>
    public const string FormatTag = "plexura-audit-v1";

    private const int StackBufferBytes = 4096;
    private const int HexLength = SHA256.HashSizeInBytes * 2;

    private static readonly byte[] FormatTagUtf8 = Encoding.UTF8.GetBytes(FormatTag);

    /// <summary>The hex SHA-256 of the event's canonical encoding (its own <c>Hash</c> is not part of it).</summary>
    public static string ComputeHash(AuditEvent e)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        HashInto(e, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// True when <paramref name="expectedHash"/> is exactly <see cref="ComputeHash"/> of the event (ordinal
    /// comparison of the lowercase hex), without allocating the hex string.
    /// </summary>
    public static bool HashEquals(AuditEvent e, string? expectedHash)
    {
        if (expectedHash is not { Length: HexLength })
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        HashInto(e, hash);
        Span<char> hex = stackalloc char[HexLength];
        Convert.TryToHexStringLower(hash, hex, out _);
        return hex.SequenceEqual(expectedHash);
    }

    private static void HashInto(AuditEvent e, Span<byte> hash)
    {
        ArgumentNullException.ThrowIfNull(e);

        // Details in ordinal key order; up to 16 (the log's limit) are sorted in place on the stack.
        var details = new DetailBuffer();
        var pairs = e.Details.Count <= DetailBuffer.Capacity
            ? ((Span<KeyValuePair<string, string>>)details)[..e.Details.Count]
            : new KeyValuePair<string, string>[e.Details.Count];
        var n = 0;
        foreach (var pair in e.Details)
        {
            pairs[n++] = pair;
        }

        pairs.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));

        var action = e.Action.ToString();
        var result = e.Result.ToString();

        // An upper bound of the encoding's size, so one buffer holds it: 4 bytes of prefix per field, at most
        // 3 UTF-8 bytes per UTF-16 char, and at most 36 bytes for a GUID or 20 for a number.
        var bound = (4 * 16) + FormatTagUtf8.Length + (3 * 36) + (2 * 20)
                    + MaxBytes(e.ActorEmail) + MaxBytes(e.SourceIp) + MaxBytes(e.UserAgent) + MaxBytes(action)
                    + MaxBytes(e.TargetType) + MaxBytes(e.TargetId) + MaxBytes(e.ClientId) + MaxBytes(result)
                    + MaxBytes(e.PreviousHash);
        foreach (var pair in pairs)
        {
            bound += 8 + MaxBytes(pair.Key) + MaxBytes(pair.Value);
        }

        byte[]? rented = null;
        // Sized to the bound (usually about 1 KB), not the limit: stack memory is zeroed on every call.
        var buffer = bound <= StackBufferBytes ? stackalloc byte[bound] : (rented = ArrayPool<byte>.Shared.Rent(bound));
        try
        {
            var w = new Writer(buffer);
            w.WriteUtf8(FormatTagUtf8);
            w.WriteFormatted(e.Id);
            w.WriteFormatted(e.PracticeId.Value);
            w.WriteFormatted(e.Sequence);
            w.WriteFormatted(e.Timestamp.UtcTicks);
            if (e.ActorUserId is { } actor)
            {
                w.WriteFormatted(actor.Value);
            }
            else
            {
                w.WriteNull();
            }

            w.Write(e.ActorEmail);
            w.Write(e.SourceIp);
            w.Write(e.UserAgent);
            w.Write(action);
            w.Write(e.TargetType);
            w.Write(e.TargetId);
            w.Write(e.ClientId);
            w.Write(result);
            w.WriteInt(pairs.Length);
            foreach (var pair in pairs)
            {
                w.Write(pair.Key);
                w.Write(pair.Value);
            }

            w.Write(e.PreviousHash);
            SHA256.HashData(buffer[..w.Position], hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int MaxBytes(string? value) => 4 + (value is null ? 0 : 3 * value.Length);

    /// <summary>Room for the details of one event on the stack.</summary>
    [InlineArray(Capacity)]
    private struct DetailBuffer
    {
        public const int Capacity = AuditLog.MaxDetails;

        private KeyValuePair<string, string> _element;
    }

    /// <summary>Appends length-prefixed fields to a buffer sized by the caller's upper bound.</summary>
    private ref struct Writer(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Position { get; private set; }

        public void WriteNull() => WriteInt(-1);

        public void Write(string? value)
        {
            if (value is null)
            {
                WriteNull();
                return;
            }

            var length = Encoding.UTF8.GetBytes(value, _buffer[(Position + 4)..]);
            WriteInt(length);
            Position += length;
        }

        public void WriteUtf8(ReadOnlySpan<byte> utf8)
        {
            WriteInt(utf8.Length);
            utf8.CopyTo(_buffer[Position..]);
            Position += utf8.Length;
        }

        /// <summary>A GUID ("D") or number (invariant) as UTF-8 text, exactly as its <c>ToString</c> would be.</summary>
        public void WriteFormatted<T>(T value)
            where T : IUtf8SpanFormattable
        {
            var format = typeof(T) == typeof(Guid) ? "D" : default(ReadOnlySpan<char>);
            if (!value.TryFormat(_buffer[(Position + 4)..], out var length, format, System.Globalization.CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException("The audit hash buffer is too small.");
            }

            WriteInt(length);
            Position += length;
        }

        public void WriteInt(int value)
        {
            BinaryPrimitives.WriteInt32BigEndian(_buffer[Position..], value);
            Position += 4;
        }
    }
}
