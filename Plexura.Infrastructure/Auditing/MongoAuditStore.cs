using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using MongoDB.Bson;
using MongoDB.Driver;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Infrastructure.Persistence.Mongo;

namespace Plexura.Infrastructure.Auditing;

/// <summary>The audit log in MongoDB: one collection, written only by inserts.</summary>
/// <remarks>
/// There is no transaction around "read head, insert next": the unique (practiceId, sequence) index decides races.
/// When another appender (in this process or another) took the sequence, the insert fails with a duplicate key;
/// the store re-reads the head and builds the event again, a bounded number of times. This class has no update or
/// delete path, and the production database role grants only find and insert on the collection.
/// Writes wait for a majority of the replica set: an acknowledged audit event survives a failover.
/// </remarks>
internal sealed class MongoAuditStore(IMongoDatabase database, MongoSchema schema) : IAuditStore
{
    /// <summary>Attempts before an append gives up under contention.</summary>
    public const int MaxAttempts = 50;

    private static readonly BsonDocument NewestFirst = new(MongoAuditFields.Sequence, -1);
    private static readonly BsonDocument OldestFirst = new(MongoAuditFields.Sequence, 1);

    private readonly IMongoCollection<BsonDocument> _events =
        database.GetCollection<BsonDocument>(MongoIndexes.AuditCollection).WithWriteConcern(WriteConcern.WMajority);

    public async Task<AuditEvent> AppendAsync(PracticeId practiceId, Func<AuditChainHead, AuditEvent> buildNext, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(buildNext);
        await schema.EnsureAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            var head = await ReadHeadAsync(practiceId, ct);
            var next = buildNext(head);
            EnsureExtends(practiceId, head, next);
            try
            {
                await _events.InsertOneAsync(MongoAuditDocuments.ToBson(next), options: null, cancellationToken: ct);
                return next;
            }
            catch (MongoWriteException ex) when (MongoErrors.IsDuplicateKey(ex))
            {
                if (!IsSequenceCollision(ex.WriteError.Message))
                {
                    // The event id itself exists: a caller bug, not a race. The message would quote the id; not chained.
                    throw new DuplicateRecordException("audit event", "id");
                }

                if (attempt >= MaxAttempts)
                {
                    throw new ConcurrencyConflictException("audit log");
                }
            }

            // Another appender won this position: back off a little, at random, so contenders spread out.
            await Task.Delay(TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(1, 2 + Math.Min(attempt, 10) * 5)), ct);
        }
    }

    public async IAsyncEnumerable<AuditEvent> ReadChainAsync(PracticeId practiceId, long fromSequence, [EnumeratorCancellation] CancellationToken ct)
    {
        var filter = new BsonDocument
        {
            { MongoAuditFields.PracticeId, practiceId.ToString() },
            { MongoAuditFields.Sequence, new BsonDocument("$gte", new BsonInt64(fromSequence)) },
        };
        var options = new FindOptions<BsonDocument, BsonDocument> { Sort = OldestFirst };
        using var cursor = await _events.FindAsync(filter, options, ct);
        while (await cursor.MoveNextAsync(ct))
        {
            foreach (var document in cursor.Current)
            {
                yield return MongoAuditDocuments.FromBson(document);
            }
        }
    }

    public async Task<IReadOnlyList<AuditEvent>> QueryAsync(PracticeId practiceId, AuditQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var options = new FindOptions<BsonDocument, BsonDocument> { Sort = NewestFirst, Limit = MongoAuditDocuments.Limit(query) };
        using var cursor = await _events.FindAsync(MongoAuditDocuments.QueryFilter(practiceId, query), options, ct);
        var events = new List<AuditEvent>();
        while (await cursor.MoveNextAsync(ct))
        {
            events.AddRange(cursor.Current.Select(MongoAuditDocuments.FromBson));
        }

        return events;
    }

    public async IAsyncEnumerable<AuditEvent> StreamAsync(PracticeId practiceId, AuditQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        // One cursor, oldest first; the driver fetches it in batches, so memory stays constant in the event count.
        var options = new FindOptions<BsonDocument, BsonDocument> { Sort = OldestFirst, BatchSize = 2_000 };
        using var cursor = await _events.FindAsync(MongoAuditDocuments.QueryFilter(practiceId, query), options, ct);
        while (await cursor.MoveNextAsync(ct))
        {
            foreach (var document in cursor.Current)
            {
                yield return MongoAuditDocuments.FromBson(document);
            }
        }
    }

    /// <summary>Whether a duplicate key was the chain position (retry) rather than the event id (bug).</summary>
    internal static bool IsSequenceCollision(string? duplicateKeyMessage) =>
        MongoErrors.DuplicateKeyIndex(duplicateKeyMessage) is not { } index
        || string.Equals(index, MongoIndexes.AuditSequenceIndex, StringComparison.Ordinal);

    /// <summary>As SQLite: the event must extend its own practice's chain by one.</summary>
    /// <remarks>
    /// Also refuses a timestamp finer than a millisecond: a BSON date would drop the rest, and the stored event
    /// would no longer match its hash.
    /// </remarks>
    internal static void EnsureExtends(PracticeId practiceId, AuditChainHead head, AuditEvent next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (next.PracticeId != practiceId || next.Sequence != head.Sequence + 1)
        {
            throw new InvalidOperationException("An audit event must extend its own practice's chain by one.");
        }

        if (next.Timestamp.UtcTicks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new InvalidOperationException("An audit event's timestamp must be whole milliseconds.");
        }
    }

    private async Task<AuditChainHead> ReadHeadAsync(PracticeId practiceId, CancellationToken ct)
    {
        var options = new FindOptions<BsonDocument, BsonDocument>
        {
            Sort = NewestFirst,
            Limit = 1,
            Projection = new BsonDocument { { MongoAuditFields.Sequence, 1 }, { MongoAuditFields.Hash, 1 } },
        };
        using var cursor = await _events.FindAsync(new BsonDocument(MongoAuditFields.PracticeId, practiceId.ToString()), options, ct);
        var head = await cursor.FirstOrDefaultAsync(ct);
        return head is null
            ? AuditChainHead.Genesis
            : new AuditChainHead(head[MongoAuditFields.Sequence].ToInt64(), head[MongoAuditFields.Hash].AsString);
    }
}
