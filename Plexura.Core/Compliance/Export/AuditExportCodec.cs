using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Core.Compliance.Export;

/// <summary>The file formats of an audit export.</summary>
public enum AuditExportFormat
{
    /// <summary>Comma-separated values with a header row (RFC 4180, UTF-8).</summary>
    Csv,

    /// <summary>One JSON object per line (UTF-8).</summary>
    Jsonl,
}

/// <summary>Writes audit events into an export file and reads them back for verification, field for field.</summary>
/// <remarks>
/// Every field of <see cref="AuditEvent"/> is written, so the verifier can recompute each event's hash with
/// <see cref="AuditHasher"/>. Both formats have the same fields in the same order (<see cref="Columns"/> in CSV, their
/// camel-case names in JSONL), with the same text for each value. In CSV a null is an empty unquoted cell and an empty
/// string a quoted one (<c>""</c>); a value that a spreadsheet would run as a formula (starting with <c>= + - @</c>, a
/// tab or a carriage return), or that starts with an apostrophe, is quoted and prefixed with an apostrophe, which the
/// reader removes again. The details are a JSON object with keys in ordinal order. Times are ISO 8601 UTC with seven
/// fraction digits (exact). Files are written by an <see cref="AuditExportWriter"/>.
/// </remarks>
public static class AuditExportCodec
{
    /// <summary>The CSV header row (column names, in order).</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "sequence", "id", "timestamp", "practice_id", "actor_user_id", "actor_email", "source_ip", "user_agent", "action",
        "target_type", "target_id", "client_id", "result", "details", "previous_hash", "hash",
    ];

    /// <summary>The JSONL property names, in the order of <see cref="Columns"/>.</summary>
    internal static readonly JsonEncodedText[] JsonNames =
    [
        .. new[]
        {
            "sequence", "id", "timestamp", "practiceId", "actorUserId", "actorEmail", "sourceIp", "userAgent", "action",
            "targetType", "targetId", "clientId", "result", "details", "previousHash", "hash",
        }.Select(name => JsonEncodedText.Encode(name)),
    ];

    /// <summary>The JSON of both formats: relaxed escaping (non-ASCII and HTML characters as they are), no indentation.</summary>
    internal static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The file name extension of <paramref name="format"/>.</summary>
    public static string Extension(AuditExportFormat format) => format == AuditExportFormat.Csv ? "csv" : "jsonl";

    /// <summary>The media type of <paramref name="format"/>.</summary>
    public static string ContentType(AuditExportFormat format) =>
        format == AuditExportFormat.Csv ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8";

    /// <summary>Writes what comes before the first event (the CSV header row; nothing for JSONL).</summary>
    public static void WriteHeader(AuditExportFormat format, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (format == AuditExportFormat.Csv)
        {
            AuditExportWriter.WriteRaw(output, string.Join(',', Columns));
            AuditExportWriter.WriteRaw(output, "\r\n");
        }
    }

    /// <summary>Reads the events of an export file in file order; throws <see cref="FormatException"/> naming the line.</summary>
    public static async IAsyncEnumerable<AuditEvent> ReadAsync(TextReader reader, AuditExportFormat format, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (format == AuditExportFormat.Jsonl)
        {
            var line = 0;
            while (await reader.ReadLineAsync(ct) is { } text)
            {
                line++;
                if (text.Length == 0)
                {
                    continue;
                }

                yield return ParseJsonLine(text, line);
            }

            yield break;
        }

        var csv = new CsvReader(reader);
        var header = await csv.ReadRowAsync(ct);
        if (header is null || !header.Select(c => c.Value).SequenceEqual(Columns))
        {
            throw new FormatException("The CSV file does not start with the audit export header row.");
        }

        var row = 1;
        while (await csv.ReadRowAsync(ct) is { } cells)
        {
            row++;
            if (cells.Count != Columns.Count)
            {
                throw new FormatException($"Row {row} has {cells.Count} cells instead of {Columns.Count}.");
            }

            AuditEvent e;
            try
            {
                using var details = JsonDocument.Parse(cells[Field.Details].Value ?? "{}");
                e = Build(i => cells[i].Value, details.RootElement);
            }
            catch (Exception ex) when (IsBadEvent(ex))
            {
                throw new FormatException($"Row {row} is not a valid audit event.", ex);
            }

            yield return e;
        }
    }

    private static AuditEvent ParseJsonLine(string text, int line)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var r = doc.RootElement;
            return Build(i => JsonField(r, i), r.GetProperty(JsonNames[Field.Details].Value));
        }
        catch (Exception ex) when (IsBadEvent(ex))
        {
            throw new FormatException($"Line {line} is not a valid audit event.", ex);
        }
    }

    /// <summary>A JSONL field as the text a CSV cell would hold: null for JSON null; the sequence must be a number.</summary>
    private static string? JsonField(JsonElement line, int field)
    {
        var value = line.GetProperty(JsonNames[field].Value);
        return value.ValueKind switch
        {
            JsonValueKind.Number when field == Field.Sequence => value.GetRawText(),
            JsonValueKind.String when field != Field.Sequence => value.GetString(),
            JsonValueKind.Null when field != Field.Sequence => null,
            _ => throw new FormatException($"The {JsonNames[field]} field has the wrong type."),
        };
    }

    /// <summary>One event from its fields (by the index of <see cref="Columns"/>) and its details object, in either format.</summary>
    private static AuditEvent Build(Func<int, string?> field, JsonElement detailsObject)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in detailsObject.EnumerateObject())
        {
            details[p.Name] = p.Value.GetString() ?? throw new FormatException();
        }

        return new AuditEvent(
            Guid.Parse(Required(field(Field.Id))),
            PracticeId.Parse(Required(field(Field.PracticeId)), CultureInfo.InvariantCulture),
            long.Parse(Required(field(Field.Sequence)), NumberStyles.None, CultureInfo.InvariantCulture),
            ParseTime(Required(field(Field.Timestamp))),
            field(Field.ActorUserId) is { } user ? UserId.Parse(user, CultureInfo.InvariantCulture) : null,
            field(Field.ActorEmail),
            field(Field.SourceIp),
            field(Field.UserAgent),
            ParseEnum<AuditAction>(field(Field.Action)),
            field(Field.TargetType),
            field(Field.TargetId),
            field(Field.ClientId),
            ParseEnum<AuditResult>(field(Field.Result)),
            details,
            Required(field(Field.PreviousHash)),
            Required(field(Field.Hash)));
    }

    private static bool IsBadEvent(Exception ex) =>
        ex is FormatException or JsonException or OverflowException or InvalidOperationException or KeyNotFoundException;

    private static string Required(string? value) => value ?? throw new FormatException("A required cell is empty.");

    private static DateTimeOffset ParseTime(string text) =>
        new(DateTime.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    private static T ParseEnum<T>(string? text)
        where T : struct, Enum =>
        text is { Length: > 0 } && char.IsLetter(text[0]) && Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value)
            ? value
            : throw new FormatException($"Unknown {typeof(T).Name} value.");

    /// <summary>The index of each field in <see cref="Columns"/> and <see cref="JsonNames"/>.</summary>
    internal static class Field
    {
        public const int Sequence = 0;
        public const int Id = 1;
        public const int Timestamp = 2;
        public const int PracticeId = 3;
        public const int ActorUserId = 4;
        public const int ActorEmail = 5;
        public const int SourceIp = 6;
        public const int UserAgent = 7;
        public const int Action = 8;
        public const int TargetType = 9;
        public const int TargetId = 10;
        public const int ClientId = 11;
        public const int Result = 12;
        public const int Details = 13;
        public const int PreviousHash = 14;
        public const int Hash = 15;
    }

    /// <summary>One CSV cell: its text (null for an empty unquoted cell).</summary>
    private readonly record struct CsvCell(string? Value);

    /// <summary>An RFC 4180 reader that keeps "empty unquoted" (null) apart from "quoted empty" (empty string).</summary>
    private sealed class CsvReader(TextReader reader)
    {
        private readonly char[] _buffer = new char[16 * 1024];
        private int _position;
        private int _length;

        public async Task<List<CsvCell>?> ReadRowAsync(CancellationToken ct)
        {
            var first = await PeekAsync(ct);
            if (first < 0)
            {
                return null;
            }

            var cells = new List<CsvCell>(16);
            var text = new StringBuilder();
            while (true)
            {
                text.Clear();
                var c = await PeekAsync(ct);
                string? value;
                if (c == '"')
                {
                    _position++;
                    while (true)
                    {
                        var next = await ReadAsync(ct);
                        if (next < 0)
                        {
                            throw new FormatException("A quoted CSV cell is not closed.");
                        }

                        if (next == '"')
                        {
                            if (await PeekAsync(ct) == '"')
                            {
                                _position++;
                                text.Append('"');
                                continue;
                            }

                            break;
                        }

                        text.Append((char)next);
                    }

                    value = text.Length > 0 && text[0] == '\'' ? text.ToString(1, text.Length - 1) : text.ToString();
                }
                else
                {
                    while ((c = await PeekAsync(ct)) >= 0 && c is not (',' or '\r' or '\n'))
                    {
                        text.Append((char)c);
                        _position++;
                    }

                    value = text.Length == 0 ? null : text.ToString();
                }

                cells.Add(new CsvCell(value));
                var end = await ReadAsync(ct);
                if (end == ',')
                {
                    continue;
                }

                if (end == '\r' && await PeekAsync(ct) == '\n')
                {
                    _position++;
                }
                else if (end >= 0 && end != '\n' && end != '\r')
                {
                    throw new FormatException("Unexpected text after a quoted CSV cell.");
                }

                return cells;
            }
        }

        private async ValueTask<int> PeekAsync(CancellationToken ct)
        {
            if (_position < _length)
            {
                return _buffer[_position];
            }

            _length = await reader.ReadAsync(_buffer, ct);
            _position = 0;
            return _length == 0 ? -1 : _buffer[0];
        }

        private async ValueTask<int> ReadAsync(CancellationToken ct)
        {
            var c = await PeekAsync(ct);
            if (c >= 0)
            {
                _position++;
            }

            return c;
        }
    }
}
