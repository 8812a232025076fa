using System.Text.Json;

namespace Plexura.Infrastructure.Persistence.Documents;

/// <summary>A secondary index over one top-level field of a collection's documents.</summary>
/// <param name="Field">The field's JSON name (camelCase).</param>
/// <param name="Unique">
/// Whether two documents may share the value. In a practice-owned collection the index leads with the practice,
/// so uniqueness is within the practice and every lookup filters by practice first.
/// </param>
/// <param name="CrossPracticeLookup">
/// Also index the field on its own, for the few lookups that deliberately span practices (a user's memberships).
/// </param>
/// <param name="IsArray">
/// The field holds an array of strings and the index is on its elements (a MongoDB multikey index; a SQLite side
/// table of (practice, value, document) rows kept in the same transaction as the document). Queried with
/// <see cref="DocumentPageQuery.ContainsAll"/>. Practice-owned collections only, never unique.
/// </param>
public sealed record IndexDefinition(string Field, bool Unique, bool CrossPracticeLookup = false, bool IsArray = false);

/// <summary>
/// Describes how one record type is stored, once, for every engine: the collection (SQLite table, MongoDB
/// collection), its id, its practice, its version, and its indexes.
/// </summary>
/// <remarks>
/// Repositories are written once on top of <see cref="IDocumentCollection{T}"/>; each engine implements the
/// collection mechanics. A practice-owned collection refuses any call without a practice scope.
/// </remarks>
public sealed record CollectionDefinition<T>(
    string Name,
    string RecordType,
    bool IsPracticeOwned,
    Func<T, string> GetId,
    Func<T, Plexura.Core.Common.PracticeId?> GetPracticeId,
    Func<T, long> GetVersion,
    Func<T, long, T> WithVersion,
    IReadOnlyList<IndexDefinition> Indexes)
    where T : class;

/// <summary>Field names as stored.</summary>
public static class DocumentFields
{
    /// <summary>The JSON name of a property (pass <c>nameof(Record.Property)</c>).</summary>
    public static string Of(string propertyName) => JsonNamingPolicy.CamelCase.ConvertName(propertyName);
}
