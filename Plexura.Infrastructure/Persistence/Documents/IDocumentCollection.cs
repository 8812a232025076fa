using Plexura.Core.Common;

namespace Plexura.Infrastructure.Persistence.Documents;

/// <summary>Whose documents a call may touch: one practice's, or a global collection's.</summary>
public readonly record struct DocumentScope
{
    private DocumentScope(PracticeId? practiceId) => PracticeId = practiceId;

    /// <summary>The practice, or null for a global collection.</summary>
    public PracticeId? PracticeId { get; }

    /// <summary>A scope for a global collection.</summary>
    public static DocumentScope Global => default;

    /// <summary>A scope limited to one practice.</summary>
    /// <remarks>Fails closed: an empty practice id is refused rather than matching nothing or everything.</remarks>
    public static DocumentScope Practice(PracticeId practiceId) =>
        practiceId.Value == Guid.Empty
            ? throw new InvalidOperationException("A practice scope needs a practice id.")
            : new DocumentScope(practiceId);
}

/// <summary>Engine-neutral storage of one record type as documents with versions and indexes.</summary>
public interface IDocumentCollection<T>
    where T : class
{
    /// <summary>Inserts; <see cref="DuplicateRecordException"/> on a unique-index or id collision.</summary>
    Task InsertAsync(DocumentScope scope, T document, CancellationToken ct);

    /// <summary>The document with this id in scope, or null.</summary>
    Task<T?> GetAsync(DocumentScope scope, string id, CancellationToken ct);

    /// <summary>The first document in scope whose indexed <paramref name="field"/> equals <paramref name="value"/>.</summary>
    Task<T?> FindOneAsync(DocumentScope scope, string field, string value, CancellationToken ct);

    /// <summary>Documents in scope, optionally where an indexed field equals a value, oldest first.</summary>
    Task<IReadOnlyList<T>> FindManyAsync(DocumentScope scope, string? field, string? value, CancellationToken ct);

    /// <summary>One page of documents in scope, in id order, filtered as <paramref name="query"/> says.</summary>
    Task<IReadOnlyList<T>> FindPageAsync(DocumentScope scope, DocumentPageQuery query, CancellationToken ct);

    /// <summary>Documents of every practice whose field equals the value; only on indexes marked for it.</summary>
    Task<IReadOnlyList<T>> FindAcrossPracticesAsync(string field, string value, CancellationToken ct);

    /// <summary>Every document of every practice, for maintenance jobs that never read PHI.</summary>
    IAsyncEnumerable<T> ScanAllAsync(CancellationToken ct);

    /// <summary>Replaces the document if its stored version is still the one it carries; returns it with the new version.</summary>
    Task<T> ReplaceAsync(DocumentScope scope, T document, CancellationToken ct);

    /// <summary>Deletes the document if its stored version is <paramref name="expectedVersion"/>.</summary>
    Task DeleteAsync(DocumentScope scope, string id, long expectedVersion, CancellationToken ct);
}

/// <summary>A page of a collection in id order, with the filters both engines can run from an index.</summary>
/// <param name="Limit">The most documents returned (1 to 1000).</param>
/// <remarks>
/// An <see cref="ArrayField"/> with no <see cref="ContainsAll"/> values matches nothing: a filter is never skipped
/// because its input is empty.
/// </remarks>
public sealed record DocumentPageQuery(int Limit)
{
    /// <summary>Only documents with an id greater than this one (the last id of the previous page).</summary>
    public string? AfterId { get; init; }

    /// <summary>An array index (<see cref="IndexDefinition.IsArray"/>) whose elements must include every <see cref="ContainsAll"/> value.</summary>
    public string? ArrayField { get; init; }

    /// <summary>The values the array field must all contain.</summary>
    public IReadOnlyList<string> ContainsAll { get; init; } = [];

    /// <summary>Only documents where this top-level field is null or absent (for example "not archived").</summary>
    public string? NullField { get; init; }
}
