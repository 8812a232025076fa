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
/// <see cref="AuditHasher"/>. In CSV a null is an empty unquoted cell and an empty string a quoted one (<c>""</c>);
/// a value that a spreadsheet would run as a formula (starting with <c>= + - @</c>, a tab or a carriage return), or
/// that starts with an apostrophe, is quoted and prefixed with an apostrophe, which the reader removes again. The
/// details are a JSON object with keys in ordinal order. Times are ISO 8601 UTC with seven fraction digits (exact).
/// </remarks>
public static class AuditExportCodec
{
    /// <summary>The CSV header row (column names, in order).</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "sequence", "id", "timestamp", "practice_id", "actor_user_id", "actor_email", "source_ip", "user_agent", "action",
        "target_type", "target_id", "client_id", "result", "details", "previous_hash", "hash",
    ];

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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
            WriteRaw(output, string.Join(',', Columns));
            WriteRaw(output, "\r\n");
        }
    }

    /// <summary>Writes one event as a CSV row.</summary>
    public static void WriteCsv(AuditEvent e, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(output);
        Span<char> scratch = stackalloc char[40];
        e.Sequence.TryFormat(scratch, out var n, default, CultureInfo.InvariantCulture);
        WriteRaw(output, scratch[..n]);
        Comma(output);
        e.Id.TryFormat(scratch, out n, "D");
        WriteRaw(output, scratch[..n]);
        Comma(output);
        e.Timestamp.UtcDateTime.TryFormat(scratch, out n, "O", CultureInfo.InvariantCulture);
        WriteRaw(output, scratch[..n]);
        Comma(output);
        e.PracticeId.Value.TryFormat(scratch, out n, "D");
        WriteRaw(output, scratch[..n]);
        Comma(output);
        if (e.ActorUserId is { } actor)
        {
            actor.Value.TryFormat(scratch, out n, "D");
            WriteRaw(output, scratch[..n]);
        }

        Comma(output);
        WriteCell(output, e.ActorEmail);
        Comma(output);
        WriteCell(output, e.SourceIp);
        Comma(output);
        WriteCell(output, e.UserAgent);
        Comma(output);
        WriteRaw(output, e.Action.ToString());
        Comma(output);
        WriteCell(output, e.TargetType);
        Comma(output);
        WriteCell(output, e.TargetId);
        Comma(output);
        WriteCell(output, e.ClientId);
        Comma(output);
        WriteRaw(output, e.Result.ToString());
        Comma(output);
        WriteDetailsCell(output, e.Details);
        Comma(output);
        WriteCell(output, e.PreviousHash);
        Comma(output);
        WriteCell(output, e.Hash);
        WriteRaw(output, "\r\n");
    }

    /// <summary>Writes one event as a JSON line through <paramref name="json"/> (reset onto <paramref name="output"/>).</summary>
    public static void WriteJsonLine(AuditEvent e, Utf8JsonWriter json, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(output);
        json.Reset(output);
        json.WriteStartObject();
        json.WriteNumber("sequence", e.Sequence);
        json.WriteString("id", e.Id);
        Span<char> time = stackalloc char[40];
        e.Timestamp.UtcDateTime.TryFormat(time, out var timeLength, "O", CultureInfo.InvariantCulture);
        json.WriteString("timestamp", time[..timeLength]);
        json.WriteString("practiceId", e.PracticeId.Value);
        if (e.ActorUserId is { } actor)
        {
            json.WriteString("actorUserId", actor.Value);
        }
        else
        {
            json.WriteNull("actorUserId");
        }

        json.WriteString("actorEmail", e.ActorEmail);
        json.WriteString("sourceIp", e.SourceIp);
        json.WriteString("userAgent", e.UserAgent);
        json.WriteString("action", e.Action.ToString());
        json.WriteString("targetType", e.TargetType);
        json.WriteString("targetId", e.TargetId);
        json.WriteString("clientId", e.ClientId);
        json.WriteString("result", e.Result.ToString());
        json.WriteStartObject("details");
        foreach (var pair in e.Details.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json.WriteString(pair.Key, pair.Value);
        }

        json.WriteEndObject();
        json.WriteString("previousHash", e.PreviousHash);
        json.WriteString("hash", e.Hash);
        json.WriteEndObject();
        json.Flush();
        WriteRaw(output, "\n");
    }

    /// <summary>A JSON writer for <see cref="WriteJsonLine"/> (relaxed escaping, no indentation).</summary>
    public static Utf8JsonWriter CreateJsonWriter(IBufferWriter<byte> output) => new(output, JsonOptions);

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
            yield return ParseCsvRow(cells, row);
        }
    }

    private static AuditEvent ParseCsvRow(IReadOnlyList<CsvCell> cells, int row)
    {
        if (cells.Count != Columns.Count)
        {
            throw new FormatException($"Row {row} has {cells.Count} cells instead of {Columns.Count}.");
        }

        try
        {
            var details = new Dictionary<string, string>(StringComparer.Ordinal);
            using (var doc = JsonDocument.Parse(cells[13].Value ?? "{}"))
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    details[p.Name] = p.Value.GetString() ?? throw new FormatException();
                }
            }

            return new AuditEvent(
                Guid.Parse(Required(cells[1].Value)),
                PracticeId.Parse(Required(cells[3].Value), CultureInfo.InvariantCulture),
                long.Parse(Required(cells[0].Value), NumberStyles.None, CultureInfo.InvariantCulture),
                ParseTime(Required(cells[2].Value)),
                cells[4].Value is { } user ? UserId.Parse(user, CultureInfo.InvariantCulture) : null,
                cells[5].Value,
                cells[6].Value,
                cells[7].Value,
                ParseEnum<AuditAction>(cells[8].Value),
                cells[9].Value,
                cells[10].Value,
                cells[11].Value,
                ParseEnum<AuditResult>(cells[12].Value),
                details,
                Required(cells[14].Value),
                Required(cells[15].Value));
        }
        catch (Exception ex) when (ex is FormatException or JsonException or OverflowException or InvalidOperationException)
        {
            throw new FormatException($"Row {row} is not a valid audit event.", ex);
        }
    }

    private static AuditEvent ParseJsonLine(string text, int line)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var r = doc.RootElement;
            var details = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in r.GetProperty("details").EnumerateObject())
            {
                details[p.Name] = p.Value.GetString() ?? throw new FormatException();
            }

            return new AuditEvent(
                r.GetProperty("id").GetGuid(),
                new PracticeId(r.GetProperty("practiceId").GetGuid()),
                r.GetProperty("sequence").GetInt64(),
                ParseTime(r.GetProperty("timestamp").GetString()!),
                r.GetProperty("actorUserId").ValueKind == JsonValueKind.Null ? null : new UserId(r.GetProperty("actorUserId").GetGuid()),
                r.GetProperty("actorEmail").GetString(),
                r.GetProperty("sourceIp").GetString(),
                r.GetProperty("userAgent").GetString(),
                ParseEnum<AuditAction>(r.GetProperty("action").GetString()),
                r.GetProperty("targetType").GetString(),
                r.GetProperty("targetId").GetString(),
                r.GetProperty("clientId").GetString(),
                ParseEnum<AuditResult>(r.GetProperty("result").GetString()),
                details,
                r.GetProperty("previousHash").GetString() ?? throw new FormatException(),
                r.GetProperty("hash").GetString() ?? throw new FormatException());
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"Line {line} is not a valid audit event.", ex);
        }
    }

    private static string Required(string? value) => value ?? throw new FormatException("A required cell is empty.");

    private static DateTimeOffset ParseTime(string text) =>
        new(DateTime.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    private static T ParseEnum<T>(string? text)
        where T : struct, Enum =>
        text is { Length: > 0 } && char.IsLetter(text[0]) && Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value)
            ? value
            : throw new FormatException($"Unknown {typeof(T).Name} value.");

    private static void Comma(IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = (byte)',';
        output.Advance(1);
    }

    private static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    /// <summary>A cell: nothing for null, otherwise the value, quoted (and defused) when it has to be.</summary>
    private static void WriteCell(IBufferWriter<byte> output, string? value)
    {
        if (value is null)
        {
            return;
        }

        var defuse = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\'';
        if (!defuse && value.Length > 0 && value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            WriteRaw(output, value);
            return;
        }

        WriteRaw(output, defuse ? "\"'" : "\"");
        var rest = value.AsSpan();
        int quote;
        while ((quote = rest.IndexOf('"')) >= 0)
        {
            WriteRaw(output, rest[..(quote + 1)]);
            WriteRaw(output, "\"");
            rest = rest[(quote + 1)..];
        }

        WriteRaw(output, rest);
        WriteRaw(output, "\"");
    }

    private static void WriteDetailsCell(IBufferWriter<byte> output, IReadOnlyDictionary<string, string> details)
    {
        var json = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(json, JsonOptions))
        {
            writer.WriteStartObject();
            foreach (var pair in details.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(pair.Key, pair.Value);
            }

            writer.WriteEndObject();
        }

        var bytes = json.WrittenSpan;
        var quotes = bytes.Count((byte)'"');
        var span = output.GetSpan(bytes.Length + quotes + 2);
        var n = 0;
        span[n++] = (byte)'"';
        foreach (var b in bytes)
        {
            span[n++] = b;
            if (b == (byte)'"')
            {
                span[n++] = b;
            }
        }

        span[n++] = (byte)'"';
        output.Advance(n);
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
