using Plexura.Core.Common;

namespace Plexura.Infrastructure.Persistence.Documents;

/// <summary>Checks shared by every engine before it touches a collection.</summary>
internal static class DocumentGuard
{
    /// <summary>The practice id to filter on, or null for a global collection.</summary>
    /// <remarks>Fails closed: a practice-owned collection without a practice scope is a bug, not "all practices".</remarks>
    public static string? ScopeValue<T>(CollectionDefinition<T> definition, DocumentScope scope)
        where T : class
    {
        if (definition.IsPracticeOwned)
        {
            return scope.PracticeId is { } p
                ? p.ToString()
                : throw new InvalidOperationException($"{definition.Name} is practice-owned: a practice scope is required.");
        }

        return scope.PracticeId is null
            ? null
            : throw new InvalidOperationException($"{definition.Name} is global: it takes no practice scope.");
    }

    /// <summary>The document's practice must be the scope's practice.</summary>
    public static void EnsureInScope<T>(CollectionDefinition<T> definition, DocumentScope scope, T document)
        where T : class
    {
        var scopeValue = ScopeValue(definition, scope);
        if (definition.IsPracticeOwned && definition.GetPracticeId(document)?.ToString() != scopeValue)
        {
            throw new InvalidOperationException($"A {definition.RecordType} can only be written to its own practice.");
        }
    }

    public static void EnsureIndexed<T>(CollectionDefinition<T> definition, string field)
        where T : class
    {
        if (!definition.Indexes.Any(i => i.Field == field && !i.IsArray))
        {
            // An array index is queried with FindPageAsync: equality on an array means different things per engine.
            throw new InvalidOperationException($"{definition.Name}.{field} is not indexed as a single value; add an index before querying it.");
        }
    }

    /// <summary>The query's limit is sane and its array filter is on an array index; returns the distinct values.</summary>
    public static IReadOnlyList<string> CheckPage<T>(CollectionDefinition<T> definition, DocumentPageQuery query)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, 1000);
        if (query.ArrayField is null)
        {
            return [];
        }

        if (!definition.Indexes.Any(i => i.Field == query.ArrayField && i.IsArray))
        {
            throw new InvalidOperationException($"{definition.Name}.{query.ArrayField} is not an array index.");
        }

        return [.. query.ContainsAll.Distinct(StringComparer.Ordinal)];
    }

    public static void EnsureCrossPracticeIndexed<T>(CollectionDefinition<T> definition, string field)
        where T : class
    {
        if (!definition.Indexes.Any(i => i.Field == field && i.CrossPracticeLookup))
        {
            throw new InvalidOperationException($"{definition.Name}.{field} is not marked for cross-practice lookup.");
        }
    }

    public static DuplicateRecordException Duplicate<T>(CollectionDefinition<T> definition, string? indexOrColumn)
        where T : class
    {
        var key = definition.Indexes.FirstOrDefault(i => i.Unique && indexOrColumn?.Contains(i.Field, StringComparison.Ordinal) == true)?.Field
            ?? "id";
        return new DuplicateRecordException(definition.RecordType, key);
    }
}
