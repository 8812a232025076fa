using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Common;

namespace Plexura.Core.Compliance.Export;

/// <summary>A practice's chain head at one moment: the last event's sequence number, hash and time.</summary>
/// <param name="Sequence">The last event's sequence number (0 for an empty chain).</param>
/// <param name="Hash">Its hash (the genesis hash for an empty chain).</param>
/// <param name="At">Its time, or null for an empty chain.</param>
public sealed record AuditChainHeadSnapshot(long Sequence, string Hash, DateTimeOffset? At);

/// <summary>Who made an export.</summary>
/// <param name="UserId">The member's account.</param>
/// <param name="Email">The member's email.</param>
public sealed record AuditExportActor(UserId UserId, string Email);

/// <summary>The signed description of one audit export file; everything an auditor needs to check it offline.</summary>
/// <param name="FormatVersion">Always <see cref="CurrentFormat"/>.</param>
/// <param name="ExportId">The export's id (also in the file name).</param>
/// <param name="PracticeId">The practice whose chain was exported.</param>
/// <param name="FileFormat"><c>csv</c> or <c>jsonl</c>.</param>
/// <param name="Filter">The filters set, by name (<c>from</c>, <c>to</c>, <c>actions</c>, <c>result</c>, <c>actorUserId</c>,
/// <c>clientId</c>, <c>targetType</c>): ids, codes and times only. Empty for a full-range export.</param>
/// <param name="Count">How many events the file holds.</param>
/// <param name="FirstSequence">The first event's sequence number, or null when the file holds none.</param>
/// <param name="LastSequence">The last event's sequence number, or null when the file holds none.</param>
/// <param name="ChainHead">The practice's chain head when the export started (the file holds nothing after it).</param>
/// <param name="FileSha256">The lowercase hex SHA-256 of the file's bytes.</param>
/// <param name="ExportedBy">Who exported.</param>
/// <param name="ExportedAt">When the file was complete.</param>
/// <param name="PublicKey">The practice's export signing key.</param>
/// <param name="Signature">ES256 over <see cref="CanonicalBytes"/>; null before signing.</param>
public sealed record AuditExportManifest(
    string FormatVersion,
    string ExportId,
    PracticeId PracticeId,
    string FileFormat,
    IReadOnlyDictionary<string, string> Filter,
    long Count,
    long? FirstSequence,
    long? LastSequence,
    AuditChainHeadSnapshot ChainHead,
    string FileSha256,
    AuditExportActor ExportedBy,
    DateTimeOffset ExportedAt,
    AuditPublicKey PublicKey,
    AuditSignature? Signature)
{
    /// <summary>The manifest format this code writes and reads.</summary>
    public const string CurrentFormat = "plexura-audit-export-v1";

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonWriterOptions Indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    /// <summary>Whether the export holds the whole chain from its first event up to <see cref="ChainHead"/> (no filter).</summary>
    public bool IsFullRange => Filter.Count == 0 && (FirstSequence == 1 || (Count == 0 && ChainHead.Sequence == 0));

    /// <summary>
    /// The bytes that are signed: the manifest without <see cref="Signature"/> as compact UTF-8 JSON, members in the
    /// fixed order of the documented form, filter keys in ordinal order, times ISO 8601 UTC with seven fraction digits.
    /// </summary>
    public byte[] CanonicalBytes() => Write(Compact, withSignature: false);

    /// <summary>The manifest as indented JSON, signature included (the file handed out).</summary>
    public string ToJson() => System.Text.Encoding.UTF8.GetString(Write(Indented, withSignature: true));

    /// <summary>Reads a manifest; throws <see cref="FormatException"/> for anything that is not one.</summary>
    public static AuditExportManifest Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            var filter = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in r.GetProperty("filter").EnumerateObject())
            {
                filter[p.Name] = p.Value.GetString() ?? throw new FormatException("A filter value is null.");
            }

            var head = r.GetProperty("chainHead");
            var by = r.GetProperty("exportedBy");
            var key = r.GetProperty("publicKey");
            AuditSignature? signature = null;
            if (r.TryGetProperty("signature", out var s) && s.ValueKind == JsonValueKind.Object)
            {
                signature = new AuditSignature(Text(s, "keyId"), Text(s, "algorithm"), Text(s, "value"));
            }

            return new AuditExportManifest(
                Text(r, "formatVersion"),
                Text(r, "exportId"),
                new PracticeId(r.GetProperty("practiceId").GetGuid()),
                Text(r, "fileFormat"),
                filter,
                r.GetProperty("count").GetInt64(),
                OptionalLong(r, "firstSequence"),
                OptionalLong(r, "lastSequence"),
                new AuditChainHeadSnapshot(
                    head.GetProperty("sequence").GetInt64(),
                    Text(head, "hash"),
                    head.GetProperty("at").ValueKind == JsonValueKind.Null ? null : ParseTime(Text(head, "at"))),
                Text(r, "fileSha256"),
                new AuditExportActor(new UserId(by.GetProperty("userId").GetGuid()), Text(by, "email")),
                ParseTime(Text(r, "exportedAt")),
                new AuditPublicKey(Text(key, "keyId"), Text(key, "pem")),
                signature);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException("This is not a Plexura audit export manifest.", ex);
        }
    }

    /// <summary>The export file's format named in the manifest, or null when unknown.</summary>
    public AuditExportFormat? ParsedFileFormat => FileFormat switch
    {
        "csv" => AuditExportFormat.Csv,
        "jsonl" => AuditExportFormat.Jsonl,
        _ => null,
    };

    private byte[] Write(JsonWriterOptions options, bool withSignature)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer, options))
        {
            w.WriteStartObject();
            w.WriteString("formatVersion", FormatVersion);
            w.WriteString("exportId", ExportId);
            w.WriteString("practiceId", PracticeId.ToString());
            w.WriteString("fileFormat", FileFormat);
            w.WriteStartObject("filter");
            foreach (var pair in Filter.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteString(pair.Key, pair.Value);
            }

            w.WriteEndObject();
            w.WriteNumber("count", Count);
            WriteOptional(w, "firstSequence", FirstSequence);
            WriteOptional(w, "lastSequence", LastSequence);
            w.WriteStartObject("chainHead");
            w.WriteNumber("sequence", ChainHead.Sequence);
            w.WriteString("hash", ChainHead.Hash);
            if (ChainHead.At is { } at)
            {
                w.WriteString("at", FormatTime(at));
            }
            else
            {
                w.WriteNull("at");
            }

            w.WriteEndObject();
            w.WriteString("fileSha256", FileSha256);
            w.WriteStartObject("exportedBy");
            w.WriteString("userId", ExportedBy.UserId.ToString());
            w.WriteString("email", ExportedBy.Email);
            w.WriteEndObject();
            w.WriteString("exportedAt", FormatTime(ExportedAt));
            w.WriteStartObject("publicKey");
            w.WriteString("keyId", PublicKey.KeyId);
            w.WriteString("pem", PublicKey.PublicKeyPem);
            w.WriteEndObject();
            if (withSignature && Signature is { } signature)
            {
                w.WriteStartObject("signature");
                w.WriteString("keyId", signature.KeyId);
                w.WriteString("algorithm", signature.Algorithm);
                w.WriteString("value", signature.Value);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A time as written in manifests and filters: ISO 8601 UTC, seven fraction digits.</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        new(DateTime.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    private static void WriteOptional(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Text(JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new FormatException($"\"{name}\" is null.");

    private static long? OptionalLong(JsonElement element, string name) =>
        element.GetProperty(name).ValueKind == JsonValueKind.Null ? null : element.GetProperty(name).GetInt64();
}
