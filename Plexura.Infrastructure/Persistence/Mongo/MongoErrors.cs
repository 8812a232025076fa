using System.Text.RegularExpressions;
using MongoDB.Driver;

namespace Plexura.Infrastructure.Persistence.Mongo;

/// <summary>Reads MongoDB write errors without passing their text on: duplicate-key messages quote the values.</summary>
internal static partial class MongoErrors
{
    public static bool IsDuplicateKey(MongoWriteException exception) =>
        exception.WriteError?.Category == ServerErrorCategory.DuplicateKey;

    /// <summary>The index named in a duplicate-key message, or null.</summary>
    /// <remarks>
    /// The server writes <c>E11000 duplicate key error collection: db.coll index: NAME dup key: { ... }</c>. Only the
    /// name is taken, never the key values (an email, say) that follow it.
    /// </remarks>
    public static string? DuplicateKeyIndex(string? message)
    {
        if (message is null)
        {
            return null;
        }

        var match = IndexPattern().Match(message);
        return match.Success ? match.Groups["name"].Value : null;
    }

    [GeneratedRegex(@"\bindex: (?<name>[^\s]+)(?: dup key|\s|$)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex IndexPattern();
}
