using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MongoDB.Bson;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Mongo;

/// <summary>Field names this engine adds to every stored document.</summary>
internal static class MongoFields
{
    /// <summary>The document's id (the definition's id, a string).</summary>
    public const string Id = "_id";

    /// <summary>The owning practice as a GUID string, or BSON null in a global collection.</summary>
    public const string PracticeId = "practiceId";

    /// <summary>The optimistic-concurrency version, Int64.</summary>
    public const string Version = "_v";

    /// <summary>Contract metadata only: a copy of the document options, so the shared instance is left as it is.</summary>
    private static readonly JsonSerializerOptions Metadata = CreateMetadataOptions();

    /// <summary>The top-level JSON field names of a record type, as <see cref="DocumentJson"/> writes them.</summary>
    public static IReadOnlySet<string> RecordFields(Type recordType) =>
        Metadata.GetTypeInfo(recordType).Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The filter value of a scope: the practice id string, or BSON null for a global collection.</summary>
    public static BsonValue ScopeValue(string? practiceId) => practiceId is null ? BsonNull.Value : new BsonString(practiceId);

    private static JsonSerializerOptions CreateMetadataOptions()
    {
        var options = new JsonSerializerOptions(DocumentJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>
/// A record as a MongoDB document: its <see cref="DocumentJson"/> shape, value for value, plus <c>_id</c>,
/// <c>practiceId</c> and <c>_v</c>.
/// </summary>
internal sealed class MongoDocumentMapper<T>
    where T : class
{
    /// <summary>The JSON only goes to the deserializer, so it needs no HTML-safe escaping.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly CollectionDefinition<T> _definition;
    private readonly bool _recordHasPracticeId;

    public MongoDocumentMapper(CollectionDefinition<T> definition)
    {
        _definition = definition;
        var recordFields = MongoFields.RecordFields(typeof(T));
        if (recordFields.Contains(MongoFields.Id) || recordFields.Contains(MongoFields.Version))
        {
            throw new InvalidOperationException(
                $"{definition.RecordType} has a field named {MongoFields.Id} or {MongoFields.Version}, which the MongoDB engine owns.");
        }

        _recordHasPracticeId = recordFields.Contains(MongoFields.PracticeId);
        if (_recordHasPracticeId && !definition.IsPracticeOwned)
        {
            throw new InvalidOperationException(
                $"{definition.RecordType} is global but has a {MongoFields.PracticeId} field, which the MongoDB engine owns.");
        }
    }

    /// <summary>The stored document; <paramref name="scopeValue"/> is <see cref="DocumentGuard.ScopeValue{T}"/>.</summary>
    public BsonDocument ToBson(T record, string? scopeValue)
    {
        var json = JsonSerializer.SerializeToElement(record, DocumentJson.Options);
        var document = new BsonDocument(MongoFields.Id, _definition.GetId(record));
        foreach (var element in BsonJson.ToDocument(json))
        {
            if (element.Name == MongoFields.PracticeId
                && !(element.Value.IsString && string.Equals(element.Value.AsString, scopeValue, StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"A {_definition.RecordType} can only be written to its own practice.");
            }

            document.Add(element);
        }

        if (!document.Contains(MongoFields.PracticeId))
        {
            document.Add(MongoFields.PracticeId, MongoFields.ScopeValue(scopeValue));
        }

        document.Add(MongoFields.Version, new BsonInt64(_definition.GetVersion(record)));
        return document;
    }

    /// <summary>The record, at the stored version.</summary>
    public T FromBson(BsonDocument document)
    {
        var version = document.TryGetValue(MongoFields.Version, out var v) && v.IsNumeric
            ? v.ToInt64()
            : throw new InvalidDataException($"A stored {_definition.RecordType} has no version.");
        return _definition.WithVersion(DocumentJson.Deserialize<T>(ToJson(document)), version);
    }

    /// <summary>The record's JSON: the document without the fields the engine added.</summary>
    public string ToJson(BsonDocument document)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var element in document)
            {
                if (element.Name is MongoFields.Id or MongoFields.Version
                    || (element.Name == MongoFields.PracticeId && !_recordHasPracticeId))
                {
                    continue;
                }

                writer.WritePropertyName(element.Name);
                BsonJson.Write(writer, element.Value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
