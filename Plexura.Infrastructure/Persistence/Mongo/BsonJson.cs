using System.Globalization;
using System.Text.Json;
using MongoDB.Bson;

namespace Plexura.Infrastructure.Persistence.Mongo;

/// <summary>
/// Exact conversion between the documents' JSON (<see cref="Documents.DocumentJson"/>) and BSON, value by value.
/// </summary>
/// <remarks>
/// Deliberately not <c>BsonDocument.Parse</c> and extended JSON: those read keys such as <c>$date</c> as type
/// markers and write 64-bit integers as <c>{"$numberLong": ...}</c>. Here every JSON object is a BSON document with
/// the same keys, strings stay strings (our dates are ISO strings), integers become Int32/Int64, and other numbers
/// become Double when the double prints back to the same text, else Decimal128, so no digit is ever lost.
/// </remarks>
internal static class BsonJson
{
    public static BsonDocument ToDocument(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object
            ? (BsonDocument)ToBson(json)
            : throw new InvalidDataException($"A document must be a JSON object, not {json.ValueKind}.");

    public static BsonValue ToBson(JsonElement json)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Object:
                var document = new BsonDocument();
                foreach (var property in json.EnumerateObject())
                {
                    document.Add(property.Name, ToBson(property.Value));
                }

                return document;
            case JsonValueKind.Array:
                var array = new BsonArray();
                foreach (var item in json.EnumerateArray())
                {
                    array.Add(ToBson(item));
                }

                return array;
            case JsonValueKind.String:
                return new BsonString(json.GetString()!);
            case JsonValueKind.Number:
                return ToBsonNumber(json);
            case JsonValueKind.True:
                return BsonBoolean.True;
            case JsonValueKind.False:
                return BsonBoolean.False;
            case JsonValueKind.Null:
                return BsonNull.Value;
            default:
                throw new InvalidDataException($"JSON {json.ValueKind} cannot be stored.");
        }
    }

    /// <summary>Writes a BSON value as the JSON it was made from.</summary>
    public static void Write(Utf8JsonWriter writer, BsonValue value)
    {
        switch (value.BsonType)
        {
            case BsonType.Document:
                writer.WriteStartObject();
                foreach (var element in value.AsBsonDocument)
                {
                    writer.WritePropertyName(element.Name);
                    Write(writer, element.Value);
                }

                writer.WriteEndObject();
                break;
            case BsonType.Array:
                writer.WriteStartArray();
                foreach (var item in value.AsBsonArray)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case BsonType.String:
                writer.WriteStringValue(value.AsString);
                break;
            case BsonType.Int32:
                writer.WriteNumberValue(value.AsInt32);
                break;
            case BsonType.Int64:
                writer.WriteNumberValue(value.AsInt64);
                break;
            case BsonType.Double:
                writer.WriteNumberValue(value.AsDouble);
                break;
            case BsonType.Decimal128:
                WriteDecimal(writer, value.AsDecimal128);
                break;
            case BsonType.Boolean:
                writer.WriteBooleanValue(value.AsBoolean);
                break;
            case BsonType.Null:
                writer.WriteNullValue();
                break;
            default:
                // Never written by this engine: a hand-edited document. Refuse rather than guess a shape.
                throw new InvalidDataException($"A stored document holds a BSON {value.BsonType}, which documents never contain.");
        }
    }

    /// <summary>As a .NET decimal when it is one (plain notation, scale kept), else as Decimal128's own text.</summary>
    private static void WriteDecimal(Utf8JsonWriter writer, Decimal128 value)
    {
        decimal asDecimal;
        try
        {
            asDecimal = Decimal128.ToDecimal(value);
        }
        catch (OverflowException)
        {
            writer.WriteRawValue(value.ToString(), skipInputValidation: false);
            return;
        }

        writer.WriteNumberValue(asDecimal);
    }

    private static BsonValue ToBsonNumber(JsonElement json)
    {
        if (json.TryGetInt32(out var int32))
        {
            return new BsonInt32(int32);
        }

        if (json.TryGetInt64(out var int64))
        {
            return new BsonInt64(int64);
        }

        var text = json.GetRawText();
        if (json.TryGetDouble(out var number) && double.IsFinite(number)
            && string.Equals(number.ToString("R", CultureInfo.InvariantCulture), text, StringComparison.Ordinal))
        {
            return new BsonDouble(number);
        }

        // .NET numbers print at most 29 significant digits; Decimal128 holds 34, so this keeps every digit.
        return Decimal128.TryParse(text, out var exact)
            ? new BsonDecimal128(exact)
            : throw new InvalidDataException("A number in the document cannot be stored exactly.");
    }
}
