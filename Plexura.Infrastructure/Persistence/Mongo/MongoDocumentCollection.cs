using System.Runtime.CompilerServices;
using MongoDB.Bson;
using MongoDB.Driver;
using Plexura.Core.Common;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Mongo;

/// <summary>A collection of documents with <c>_id</c>, <c>practiceId</c> and <c>_v</c> fields; behaves as the SQLite one.</summary>
/// <remarks>
/// Every scoped call filters on <c>practiceId</c> (a global collection matches only <c>practiceId: null</c>);
/// only <see cref="FindAcrossPracticesAsync"/> and <see cref="ScanAllAsync"/> span practices, as on SQLite.
/// Results are ordered by <c>_id</c> (binary string order, as SQLite's <c>ORDER BY id</c>).
/// </remarks>
internal sealed class MongoDocumentCollection<T>(IMongoDatabase database, MongoSchema schema, CollectionDefinition<T> def)
    : IDocumentCollection<T>
    where T : class
{
    private static readonly BsonDocument ById = new(MongoFields.Id, 1);

    private readonly IMongoCollection<BsonDocument> _collection = database.GetCollection<BsonDocument>(def.Name);
    private readonly MongoDocumentMapper<T> _mapper = new(def);

    public async Task InsertAsync(DocumentScope scope, T document, CancellationToken ct)
    {
        DocumentGuard.EnsureInScope(def, scope, document);
        var practice = DocumentGuard.ScopeValue(def, scope);
        var stored = _mapper.ToBson(document, practice);
        await schema.EnsureAsync(ct);
        if (practice is not null && !ReferenceEquals(def, Collections.Practices) && !await PracticeExistsAsync(practice, ct))
        {
            // SQLite's foreign key: a document cannot precede its practice; to the caller that is "not found".
            throw new RecordNotFoundException("practice");
        }

        try
        {
            await _collection.InsertOneAsync(stored, options: null, cancellationToken: ct);
        }
        catch (MongoWriteException ex) when (MongoErrors.IsDuplicateKey(ex))
        {
            // Not chained: the server's message quotes the duplicate value.
            throw DocumentGuard.Duplicate(def, MongoErrors.DuplicateKeyIndex(ex.WriteError.Message));
        }
    }

    public async Task<T?> GetAsync(DocumentScope scope, string id, CancellationToken ct)
    {
        var found = await QueryAsync(MongoFilters.ById(ScopeValue(scope), id), limit: 1, ct);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<T?> FindOneAsync(DocumentScope scope, string field, string value, CancellationToken ct)
    {
        DocumentGuard.EnsureIndexed(def, field);
        var scopeValue = ScopeValue(scope);
        if (value is null)
        {
            return null; // SQLite's "= NULL" matches nothing; MongoDB's would match missing fields.
        }

        var found = await QueryAsync(MongoFilters.ByField(scopeValue, field, value), limit: 1, ct);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<T>> FindManyAsync(DocumentScope scope, string? field, string? value, CancellationToken ct)
    {
        var scopeValue = ScopeValue(scope);
        if (field is null)
        {
            return await QueryAsync(MongoFilters.InScope(scopeValue), limit: null, ct);
        }

        DocumentGuard.EnsureIndexed(def, field);
        return value is null ? [] : await QueryAsync(MongoFilters.ByField(scopeValue, field, value), limit: null, ct);
    }

    public async Task<IReadOnlyList<T>> FindPageAsync(DocumentScope scope, DocumentPageQuery query, CancellationToken ct)
    {
        var values = DocumentGuard.CheckPage(def, query);
        if (query.ArrayField is not null && values.Count == 0)
        {
            return [];
        }

        return await QueryAsync(MongoFilters.Page(ScopeValue(scope), query, values), query.Limit, ct);
    }

    public async Task<IReadOnlyList<T>> FindAcrossPracticesAsync(string field, string value, CancellationToken ct)
    {
        DocumentGuard.EnsureCrossPracticeIndexed(def, field);
        return value is null ? [] : await QueryAsync(new BsonDocument(field, value), limit: null, ct);
    }

    public async IAsyncEnumerable<T> ScanAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var options = new FindOptions<BsonDocument, BsonDocument> { Sort = ById };
        using var cursor = await _collection.FindAsync(FilterDefinition<BsonDocument>.Empty, options, ct);
        while (await cursor.MoveNextAsync(ct))
        {
            foreach (var document in cursor.Current)
            {
                yield return _mapper.FromBson(document);
            }
        }
    }

    public async Task<T> ReplaceAsync(DocumentScope scope, T document, CancellationToken ct)
    {
        DocumentGuard.EnsureInScope(def, scope, document);
        var practice = DocumentGuard.ScopeValue(def, scope);
        var expected = def.GetVersion(document);
        var updated = def.WithVersion(document, expected + 1);
        var id = def.GetId(document);
        var replacement = _mapper.ToBson(updated, practice);
        await schema.EnsureAsync(ct);
        try
        {
            var result = await _collection.ReplaceOneAsync(
                MongoFilters.ByIdAndVersion(practice, id, expected), replacement, new ReplaceOptions { IsUpsert = false }, ct);
            if (result.MatchedCount == 1)
            {
                return updated;
            }
        }
        catch (MongoWriteException ex) when (MongoErrors.IsDuplicateKey(ex))
        {
            throw DocumentGuard.Duplicate(def, MongoErrors.DuplicateKeyIndex(ex.WriteError.Message));
        }

        throw await MissOrConflictAsync(practice, id, ct);
    }

    public async Task DeleteAsync(DocumentScope scope, string id, long expectedVersion, CancellationToken ct)
    {
        var practice = ScopeValue(scope);
        var result = await _collection.DeleteOneAsync(MongoFilters.ByIdAndVersion(practice, id, expectedVersion), ct);
        if (result.DeletedCount != 1)
        {
            throw await MissOrConflictAsync(practice, id, ct);
        }
    }

    private string? ScopeValue(DocumentScope scope) => DocumentGuard.ScopeValue(def, scope);

    private async Task<Exception> MissOrConflictAsync(string? practice, string id, CancellationToken ct) =>
        await ExistsAsync(_collection, MongoFilters.ById(practice, id), ct)
            ? new ConcurrencyConflictException(def.RecordType)
            : new RecordNotFoundException(def.RecordType);

    private Task<bool> PracticeExistsAsync(string practice, CancellationToken ct) =>
        ExistsAsync(database.GetCollection<BsonDocument>(Collections.Practices.Name), MongoFilters.ById(practice, practice), ct);

    private static async Task<bool> ExistsAsync(IMongoCollection<BsonDocument> collection, BsonDocument filter, CancellationToken ct)
    {
        var options = new FindOptions<BsonDocument, BsonDocument> { Limit = 1, Projection = new BsonDocument(MongoFields.Id, 1) };
        using var cursor = await collection.FindAsync(filter, options, ct);
        return await cursor.AnyAsync(ct);
    }

    private async Task<IReadOnlyList<T>> QueryAsync(BsonDocument filter, int? limit, CancellationToken ct)
    {
        var options = new FindOptions<BsonDocument, BsonDocument> { Sort = ById, Limit = limit };
        using var cursor = await _collection.FindAsync(filter, options, ct);
        var results = new List<T>();
        while (await cursor.MoveNextAsync(ct))
        {
            results.AddRange(cursor.Current.Select(_mapper.FromBson));
        }

        return results;
    }
}

/// <summary>The filters of the document collections; every scoped one carries <c>practiceId</c>.</summary>
internal static class MongoFilters
{
    public static BsonDocument InScope(string? practice) => new(MongoFields.PracticeId, MongoFields.ScopeValue(practice));

    public static BsonDocument ById(string? practice, string id) => new()
    {
        { MongoFields.Id, id },
        { MongoFields.PracticeId, MongoFields.ScopeValue(practice) },
    };

    public static BsonDocument ByIdAndVersion(string? practice, string id, long version) => new()
    {
        { MongoFields.Id, id },
        { MongoFields.PracticeId, MongoFields.ScopeValue(practice) },
        { MongoFields.Version, new BsonInt64(version) },
    };

    /// <summary>A page query: the array index's elements must include every value ($all walks the multikey index).</summary>
    /// <remarks>A null field matches null and absent, as SQLite's <c>json_extract(...) IS NULL</c>.</remarks>
    public static BsonDocument Page(string? practice, DocumentPageQuery query, IReadOnlyList<string> values)
    {
        var filter = InScope(practice);
        if (query.ArrayField is { } field)
        {
            filter.Add(field, new BsonDocument("$all", new BsonArray(values)));
        }

        if (query.NullField is { } nullField)
        {
            filter.Add(nullField, BsonNull.Value);
        }

        if (query.AfterId is { } after)
        {
            filter.Add(MongoFields.Id, new BsonDocument("$gt", after));
        }

        return filter;
    }

    public static BsonDocument ByField(string? practice, string field, string value) => new()
    {
        { MongoFields.PracticeId, MongoFields.ScopeValue(practice) },
        { field, value },
    };
}
