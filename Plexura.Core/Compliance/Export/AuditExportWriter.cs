using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Plexura.Core.Auditing;
using Field = Plexura.Core.Compliance.Export.AuditExportCodec.Field;

namespace Plexura.Core.Compliance.Export;

/// <summary>Formats the events of one export file onto a buffer, in the format of <see cref="AuditExportCodec"/>.</summary>
/// <remarks>
/// One instance per file: it reuses its JSON writer, the details scratch buffer and the array the details are sorted
/// in, so formatting an event allocates nothing, whatever the count. Not thread-safe.
/// </remarks>
public sealed class AuditExportWriter : IDisposable
{
    private static readonly Comparison<KeyValuePair<string, string>> ByKey = static (a, b) => string.CompareOrdinal(a.Key, b.Key);

    private readonly AuditExportFormat _format;
    private readonly IBufferWriter<byte> _output;
    private readonly ArrayBufferWriter<byte> _detailsJson = new(256);
    private readonly Utf8JsonWriter _json;
    private KeyValuePair<string, string>[] _details = new KeyValuePair<string, string>[AuditLog.MaxDetails];

    /// <summary>A writer of <paramref name="format"/> onto <paramref name="output"/>.</summary>
    public AuditExportWriter(AuditExportFormat format, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _format = format;
        _output = output;

        // JSONL: each line straight onto the output; CSV: the details cell's JSON into the scratch buffer.
        _json = new Utf8JsonWriter(format == AuditExportFormat.Csv ? _detailsJson : output, AuditExportCodec.JsonOptions);
    }

    /// <summary>Writes what comes before the first event (the CSV header row; nothing for JSONL).</summary>
    public void WriteHeader() => AuditExportCodec.WriteHeader(_format, _output);

    /// <summary>Writes one event: a CSV row or a JSON line.</summary>
    public void Write(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var details = SortedDetails(e.Details);
        if (_format == AuditExportFormat.Csv)
        {
            WriteCsv(e, details);
        }
        else
        {
            WriteJsonLine(e, details);
        }
    }

    /// <summary>Releases the JSON writer (the output is the caller's).</summary>
    public void Dispose() => _json.Dispose();

    private void WriteCsv(AuditEvent e, ReadOnlySpan<KeyValuePair<string, string>> details)
    {
        var output = _output;
        WriteFormatted(output, e.Sequence, default);
        Comma(output);
        WriteFormatted(output, e.Id, "D");
        Comma(output);
        WriteFormatted(output, e.Timestamp.UtcDateTime, "O");
        Comma(output);
        WriteFormatted(output, e.PracticeId.Value, "D");
        Comma(output);
        if (e.ActorUserId is { } actor)
        {
            WriteFormatted(output, actor.Value, "D");
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

        // The details object, quoted as one cell (its quotes doubled).
        _detailsJson.ResetWrittenCount();
        _json.Reset(_detailsJson);
        _json.WriteStartObject();
        WriteDetails(details);
        _json.WriteEndObject();
        _json.Flush();
        WriteQuoted(output, _detailsJson.WrittenSpan);
        Comma(output);
        WriteCell(output, e.PreviousHash);
        Comma(output);
        WriteCell(output, e.Hash);
        WriteRaw(output, "\r\n");
    }

    private void WriteJsonLine(AuditEvent e, ReadOnlySpan<KeyValuePair<string, string>> details)
    {
        var names = AuditExportCodec.JsonNames;
        var json = _json;
        json.Reset();
        json.WriteStartObject();
        json.WriteNumber(names[Field.Sequence], e.Sequence);
        json.WriteString(names[Field.Id], e.Id);
        Span<byte> time = stackalloc byte[40];
        e.Timestamp.UtcDateTime.TryFormat(time, out var timeLength, "O", CultureInfo.InvariantCulture);
        json.WriteString(names[Field.Timestamp], time[..timeLength]);
        json.WriteString(names[Field.PracticeId], e.PracticeId.Value);
        if (e.ActorUserId is { } actor)
        {
            json.WriteString(names[Field.ActorUserId], actor.Value);
        }
        else
        {
            json.WriteNull(names[Field.ActorUserId]);
        }

        json.WriteString(names[Field.ActorEmail], e.ActorEmail);
        json.WriteString(names[Field.SourceIp], e.SourceIp);
        json.WriteString(names[Field.UserAgent], e.UserAgent);
        json.WriteString(names[Field.Action], e.Action.ToString());
        json.WriteString(names[Field.TargetType], e.TargetType);
        json.WriteString(names[Field.TargetId], e.TargetId);
        json.WriteString(names[Field.ClientId], e.ClientId);
        json.WriteString(names[Field.Result], e.Result.ToString());
        json.WriteStartObject(names[Field.Details]);
        WriteDetails(details);
        json.WriteEndObject();
        json.WriteString(names[Field.PreviousHash], e.PreviousHash);
        json.WriteString(names[Field.Hash], e.Hash);
        json.WriteEndObject();
        json.Flush();
        WriteRaw(_output, "\n");
    }

    /// <summary>The details' pairs in ordinal key order (both formats write them so), in the reused array.</summary>
    private ReadOnlySpan<KeyValuePair<string, string>> SortedDetails(IReadOnlyDictionary<string, string> details)
    {
        if (details.Count > _details.Length)
        {
            _details = new KeyValuePair<string, string>[details.Count];
        }

        var n = 0;
        if (details is Dictionary<string, string> dictionary)
        {
            // The struct enumerator: no allocation for the common case.
            foreach (var pair in dictionary)
            {
                _details[n++] = pair;
            }
        }
        else
        {
            foreach (var pair in details)
            {
                _details[n++] = pair;
            }
        }

        var sorted = _details.AsSpan(0, n);
        sorted.Sort(ByKey);
        return sorted;
    }

    private void WriteDetails(ReadOnlySpan<KeyValuePair<string, string>> details)
    {
        foreach (var pair in details)
        {
            _json.WriteString(pair.Key, pair.Value);
        }
    }

    /// <summary>Text as UTF-8, as it is.</summary>
    internal static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    /// <summary>A number, GUID or time straight as invariant UTF-8 text.</summary>
    private static void WriteFormatted<T>(IBufferWriter<byte> output, T value, ReadOnlySpan<char> format)
        where T : IUtf8SpanFormattable
    {
        var span = output.GetSpan(64);
        if (!value.TryFormat(span, out var length, format, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("The export buffer is too small.");
        }

        output.Advance(length);
    }

    private static void Comma(IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = (byte)',';
        output.Advance(1);
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

    /// <summary>UTF-8 bytes as one quoted cell, every quote doubled.</summary>
    private static void WriteQuoted(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(bytes.Length + bytes.Count((byte)'"') + 2);
        var n = 0;
        span[n++] = (byte)'"';
        int quote;
        while ((quote = bytes.IndexOf((byte)'"')) >= 0)
        {
            bytes[..(quote + 1)].CopyTo(span[n..]);
            n += quote + 1;
            span[n++] = (byte)'"';
            bytes = bytes[(quote + 1)..];
        }

        bytes.CopyTo(span[n..]);
        n += bytes.Length;
        span[n++] = (byte)'"';
        output.Advance(n);
    }
}
