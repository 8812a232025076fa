using System.Text.RegularExpressions;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Sqlite;

/// <summary>SQL identifiers derived from collection definitions, checked so they can be spliced into SQL.</summary>
internal static partial class SqliteNames
{
    public static string Table<T>(CollectionDefinition<T> def)
        where T : class => Safe(def.Name);

    public static string Index<T>(CollectionDefinition<T> def, IndexDefinition index)
        where T : class => $"{(index.Unique ? "ux" : "ix")}_{Safe(def.Name)}_{Safe(index.Field)}";

    /// <summary>The side table holding the elements of an array index: (practice_id, value, doc_id).</summary>
    public static string ArrayTable<T>(CollectionDefinition<T> def, IndexDefinition index)
        where T : class => Safe($"{Safe(def.Name)}_{Safe(index.Field)}");

    /// <summary>The expression an index is built on; queries use exactly this text so SQLite picks the index.</summary>
    public static string FieldExpression(string field) => $"json_extract(doc, '$.{Safe(field)}')";

    private static string Safe(string identifier) =>
        IdentifierPattern().IsMatch(identifier)
            ? identifier
            : throw new InvalidOperationException($"'{identifier}' is not a safe SQL identifier.");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
