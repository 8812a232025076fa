using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Plexura.Core.Common;
using Plexura.Core.Security;

namespace Plexura.Core.Notes;

/// <summary>An addendum's words, stored encrypted in its version.</summary>
/// <param name="Reason">Why the signed note is amended.</param>
/// <param name="Text">The addendum.</param>
public sealed record NoteAddendumText(string Reason, string Text);

/// <summary>The one place note content is encrypted and decrypted, and where versions are built.</summary>
/// <remarks>
/// A version's content is sealed as one JSON value under the practice key, bound to the note and the version number:
/// a ciphertext moved to another note, version or practice does not decrypt.
/// </remarks>
public sealed class NoteProtector(IPhiProtector phi)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(), new PassageRefConverter() } };

    /// <summary>A new version of a note: content sealed, hashed.</summary>
    public async Task<NoteVersion> NewVersionAsync(
        PracticeId practiceId, NoteId noteId, int number, UserId? by, DateTimeOffset at, string reason, NoteContent content, NoteAddendumText? addendum, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var id = NoteVersion.IdFor(noteId, number);
        var sealedContent = await phi.ProtectAsync(practiceId, Field(id, "content"), JsonSerializer.Serialize(content, Json), ct);
        var sealedAddendum = addendum is null ? null : await phi.ProtectAsync(practiceId, Field(id, "addendum"), JsonSerializer.Serialize(addendum, Json), ct);
        return new NoteVersion(id, practiceId, noteId, number, by, at, reason, sealedContent, NoteCanonical.Hash(content), sealedAddendum);
    }

    /// <summary>The version's content, decrypted.</summary>
    /// <exception cref="PhiUnreadableException">Altered, moved, or the practice key was destroyed.</exception>
    public async Task<NoteContent> RevealAsync(NoteVersion version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(version);
        var json = await phi.UnprotectAsync(version.PracticeId, Field(version.Id, "content"), version.ProtectedContent, ct);
        return Read<NoteContent>(json);
    }

    /// <summary>The version's addendum, decrypted, or null when it is not one.</summary>
    public async Task<NoteAddendumText?> RevealAddendumAsync(NoteVersion version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (version.ProtectedAddendum is null)
        {
            return null;
        }

        var json = await phi.UnprotectAsync(version.PracticeId, Field(version.Id, "addendum"), version.ProtectedAddendum, ct);
        return Read<NoteAddendumText>(json);
    }

    private static T Read<T>(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw new PhiUnreadableException("The stored note is empty.");
        }
        catch (JsonException)
        {
            throw new PhiUnreadableException("The stored note is not readable.");
        }
    }

    private static PhiField Field(string versionId, string part) => new(NoteVersion.RecordType, versionId, part);

    /// <summary>Writes a passage as <c>segment.span</c>.</summary>
    private sealed class PassageRefConverter : JsonConverter<PassageRef>
    {
        public override PassageRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            PassageRef.TryParse(reader.GetString(), CultureInfo.InvariantCulture, out var result) ? result : throw new JsonException("Not a passage.");

        public override void Write(Utf8JsonWriter writer, PassageRef value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
