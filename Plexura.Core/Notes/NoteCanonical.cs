using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Plexura.Core.Common;

namespace Plexura.Core.Notes;

/// <summary>The deterministic serialization of a note's content (and of an addendum) that signatures hash.</summary>
/// <remarks>
/// <para>Content is written as compact JSON (System.Text.Json's writer, default escaping, no whitespace) with every
/// property present, in this fixed order, and arrays in the note's own order:</para>
/// <code>
/// {"format":"plexura-note-v1",
///  "sections":[{"key","title","statements":[{"id","text","origin","citations":["3.7",...],"evidence","uncertain","review"}]}],
///  "risks":[{"id","category","polarity","passage","phrase","review","clinicianNote","mentionedByDraft"}]}
/// </code>
/// <para>Enums are written by name (<c>Drafted</c>, <c>Supported</c>, <c>Pending</c>, ...), passages as
/// <c>segment.span</c>, a missing clinician note as null. An addendum is
/// <c>{"format":"plexura-addendum-v1","signedHash","number","by","at","reason","text"}</c> with the time in ISO 8601
/// round-trip form (UTC) and the signed version's hash, so an addendum cannot be moved to another note. The hash is the
/// lowercase hex SHA-256 of the UTF-8 bytes. Changing any of this changes every hash: add a new format instead.</para>
/// </remarks>
public static class NoteCanonical
{
    /// <summary>The content's canonical form.</summary>
    public static string Serialize(NoteContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("format", "plexura-note-v1");
            w.WriteStartArray("sections");
            foreach (var section in content.Sections)
            {
                w.WriteStartObject();
                w.WriteString("key", section.Key);
                w.WriteString("title", section.Title);
                w.WriteStartArray("statements");
                foreach (var s in section.Statements)
                {
                    w.WriteStartObject();
                    w.WriteString("id", s.Id);
                    w.WriteString("text", s.Text);
                    w.WriteString("origin", s.Origin.ToString());
                    w.WriteStartArray("citations");
                    foreach (var c in s.Citations)
                    {
                        w.WriteStringValue(c.ToString());
                    }

                    w.WriteEndArray();
                    w.WriteString("evidence", s.Evidence.ToString());
                    w.WriteBoolean("uncertain", s.Uncertain);
                    w.WriteString("review", s.Review.ToString());
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("risks");
            foreach (var r in content.Risks)
            {
                w.WriteStartObject();
                w.WriteString("id", r.Id);
                w.WriteString("category", r.Category.ToString());
                w.WriteString("polarity", r.Polarity.ToString());
                w.WriteString("passage", r.Passage.ToString());
                w.WriteString("phrase", r.Phrase);
                w.WriteString("review", r.Review.ToString());
                w.WriteString("clinicianNote", r.ClinicianNote);
                w.WriteBoolean("mentionedByDraft", r.MentionedByDraft);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>An addendum's canonical form.</summary>
    public static string SerializeAddendum(string signedHash, int number, UserId by, DateTimeOffset at, string reason, string text) =>
        Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("format", "plexura-addendum-v1");
            w.WriteString("signedHash", signedHash);
            w.WriteNumber("number", number);
            w.WriteString("by", by.ToString());
            w.WriteString("at", at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("reason", reason);
            w.WriteString("text", text);
            w.WriteEndObject();
        });

    /// <summary>The lowercase hex SHA-256 of the content's canonical form.</summary>
    public static string Hash(NoteContent content) => HashOf(Serialize(content));

    /// <summary>The lowercase hex SHA-256 of a canonical string.</summary>
    public static string HashOf(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
