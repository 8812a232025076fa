using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Mongo;

/// <summary>One MongoDB index, engine-neutral enough to test without a server.</summary>
internal sealed record MongoIndexSpec(string Collection, string Name, BsonDocument Keys, bool Unique, BsonDocument? PartialFilter = null)
{
    public CreateIndexModel<BsonDocument> ToModel() => new(
        new BsonDocumentIndexKeysDefinition<BsonDocument>(Keys),
        new CreateIndexOptions<BsonDocument>
        {
            Name = Name,
            Unique = Unique ? true : null, // a plain index spec carries no "unique: false"
            PartialFilterExpression = PartialFilter is null ? null : new BsonDocumentFilterDefinition<BsonDocument>(PartialFilter),
        });
}

/// <summary>Every index the engine needs, derived from the collection definitions (the same ones SQLite uses).</summary>
/// <remarks>
/// Names follow the SQLite ones (<c>ux_users_email</c>, <c>ux_memberships_userId_all</c>) so a duplicate-key error
/// names the field, which is how <see cref="DocumentGuard.Duplicate{T}"/> reports the key that collided.
/// </remarks>
internal static class MongoIndexes
{
    public const string AuditCollection = "audit_events";

    /// <summary>The unique (practice, sequence) index: it is what stops two appenders from forking a chain.</summary>
    public const string AuditSequenceIndex = "ux_audit_events_practice_sequence";

    /// <summary>Indexes of the audit log.</summary>
    public static readonly IReadOnlyList<MongoIndexSpec> Audit =
    [
        new(AuditCollection, AuditSequenceIndex, Keys(MongoAuditFields.PracticeId, MongoAuditFields.Sequence), Unique: true),
        new(AuditCollection, "ix_audit_events_time", Keys(MongoAuditFields.PracticeId, MongoAuditFields.Timestamp), Unique: false),
        new(AuditCollection, "ix_audit_events_client", Keys(MongoAuditFields.PracticeId, MongoAuditFields.ClientId), Unique: false,
            PartialFilter: new BsonDocument(MongoAuditFields.ClientId, new BsonDocument("$exists", true))),
        new(AuditCollection, "ix_audit_events_actor", Keys(MongoAuditFields.PracticeId, MongoAuditFields.ActorUserId), Unique: false),

        // The viewer's single filters, newest first: equality on the field, then the sequence for the sort and the keyset.
        new(AuditCollection, "ix_audit_events_action_sequence", Keys(MongoAuditFields.PracticeId, MongoAuditFields.Action, MongoAuditFields.Sequence), Unique: false),
        new(AuditCollection, "ix_audit_events_result_sequence", Keys(MongoAuditFields.PracticeId, MongoAuditFields.Result, MongoAuditFields.Sequence), Unique: false),
        new(AuditCollection, "ix_audit_events_actor_sequence", Keys(MongoAuditFields.PracticeId, MongoAuditFields.ActorUserId, MongoAuditFields.Sequence), Unique: false),
        new(AuditCollection, "ix_audit_events_client_sequence", Keys(MongoAuditFields.PracticeId, MongoAuditFields.ClientId, MongoAuditFields.Sequence), Unique: false,
            PartialFilter: new BsonDocument(MongoAuditFields.ClientId, new BsonDocument("$exists", true))),
        new(AuditCollection, "ix_audit_events_target_type_sequence", Keys(MongoAuditFields.PracticeId, MongoAuditFields.TargetType, MongoAuditFields.Sequence), Unique: false),
        new(AuditCollection, "ix_audit_events_target_id_sequence", Keys(MongoAuditFields.PracticeId, MongoAuditFields.TargetId, MongoAuditFields.Sequence), Unique: false),
        new(AuditCollection, "ix_audit_events_source_ip_sequence", Keys(MongoAuditFields.PracticeId, MongoAuditFields.SourceIp, MongoAuditFields.Sequence), Unique: false),
    ];

    /// <summary>Every index of every collection in <see cref="Collections.All"/>, then the audit log's.</summary>
    public static IReadOnlyList<MongoIndexSpec> All() => [.. Collections.All.SelectMany(For), .. Audit, Auditing.MongoAuditStatistics.StatisticsIndex, Auditing.MongoAuditStatistics.ActionStatisticsIndex];

    /// <summary>Every index of the key vault's database: those of <see cref="Collections.KeyVault"/>.</summary>
    public static IReadOnlyList<MongoIndexSpec> KeyVault() => [.. Collections.KeyVault.SelectMany(For)];

    /// <summary>
    /// A collection's indexes. Practice-owned: (practiceId, _id) for listing a practice in id order, and each index
    /// led by practiceId so lookups and uniqueness stay inside one practice; a cross-practice lookup adds the field
    /// alone. Global: each field alone.
    /// </summary>
    public static IReadOnlyList<MongoIndexSpec> For(CollectionShape collection)
    {
        var specs = new List<MongoIndexSpec>();
        if (collection.IsPracticeOwned)
        {
            specs.Add(new(collection.Name, $"ix_{collection.Name}_practice", Keys(MongoFields.PracticeId, MongoFields.Id), Unique: false));
        }

        foreach (var index in collection.Indexes)
        {
            var name = $"{(index.Unique ? "ux" : "ix")}_{collection.Name}_{index.Field}";
            var keys = collection.IsPracticeOwned ? Keys(MongoFields.PracticeId, index.Field) : Keys(index.Field);
            specs.Add(new(collection.Name, name, keys, index.Unique));
            if (index.CrossPracticeLookup)
            {
                specs.Add(new(collection.Name, $"{name}_all", Keys(index.Field), Unique: false));
            }
        }

        return specs;
    }

    private static BsonDocument Keys(params string[] fields)
    {
        var keys = new BsonDocument();
        foreach (var field in fields)
        {
            keys.Add(field, 1);
        }

        return keys;
    }
}

/// <summary>Creates the indexes once per process: at start, and before the first write if start-up was skipped.</summary>
/// <remarks>
/// Unique indexes carry correctness here (one email per user, one event per chain position), so a write never runs
/// against a database that lacks them, even in a host that never ran <see cref="StorageStartup"/>. Creating an index
/// that already exists with the same options is a no-op on the server.
/// </remarks>
/// <param name="database">The database the indexes belong in.</param>
/// <param name="logger">Logs the count once ensured.</param>
/// <param name="specs">The indexes; null: the main database's, <see cref="MongoIndexes.All"/>.</param>
internal sealed class MongoSchema(IMongoDatabase database, ILogger<MongoSchema> logger, IReadOnlyList<MongoIndexSpec>? specs = null) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public async Task EnsureAsync(CancellationToken ct)
    {
        if (_ready)
        {
            return;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_ready)
            {
                return;
            }

            var all = specs ?? MongoIndexes.All();
            foreach (var collection in all.GroupBy(s => s.Collection, StringComparer.Ordinal))
            {
                await database.GetCollection<BsonDocument>(collection.Key).Indexes
                    .CreateManyAsync(collection.Select(s => s.ToModel()), ct);
            }

            _ready = true;
            logger.LogInformation("MongoDB indexes ensured in {Database} ({Count} indexes)", database.DatabaseNamespace.DatabaseName, all.Count);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
