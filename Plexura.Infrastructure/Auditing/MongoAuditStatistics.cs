using System.Globalization;
using MongoDB.Bson;
using MongoDB.Driver;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance;
using Plexura.Infrastructure.Persistence.Mongo;

namespace Plexura.Infrastructure.Auditing;

/// <summary>Audit statistics in MongoDB: aggregation pipelines that return counts, never events.</summary>
/// <remarks>
/// Each pipeline starts with a <c>$match</c> on the practice and a time range, which the (practice, time, ...) index
/// <see cref="StatisticsIndex"/> serves. Days are the calendar dates <c>$dateToString</c> gives in the practice's zone,
/// which is what the SQLite adapter's local-midnight ranges count too (the contract tests hold both to it).
/// </remarks>
internal sealed class MongoAuditStatistics(IMongoDatabase database) : IAuditStatistics
{
    /// <summary>The index the statistics read: practice, time, then the fields they group and filter by.</summary>
    public static readonly MongoIndexSpec StatisticsIndex = new(
        MongoIndexes.AuditCollection,
        "ix_audit_events_stats",
        new BsonDocument
        {
            { MongoAuditFields.PracticeId, 1 },
            { MongoAuditFields.Timestamp, 1 },
            { MongoAuditFields.Action, 1 },
            { MongoAuditFields.Result, 1 },
            { MongoAuditFields.ActorUserId, 1 },
            { MongoAuditFields.ClientId, 1 },
            { MongoAuditFields.SourceIp, 1 },
        },
        Unique: false);

    /// <summary>The index of counts filtered by action: practice, action, time, then the same fields.</summary>
    public static readonly MongoIndexSpec ActionStatisticsIndex = new(
        MongoIndexes.AuditCollection,
        "ix_audit_events_action_stats",
        new BsonDocument
        {
            { MongoAuditFields.PracticeId, 1 },
            { MongoAuditFields.Action, 1 },
            { MongoAuditFields.Timestamp, 1 },
            { MongoAuditFields.Result, 1 },
            { MongoAuditFields.ActorUserId, 1 },
            { MongoAuditFields.ClientId, 1 },
            { MongoAuditFields.SourceIp, 1 },
        },
        Unique: false);

    private static readonly AggregateOptions Options = new() { AllowDiskUse = true };

    private readonly IMongoCollection<BsonDocument> _events = database.GetCollection<BsonDocument>(MongoIndexes.AuditCollection);

    public async Task<IReadOnlyList<AuditDayCount>> CountByDayAsync(PracticeId practiceId, AuditDays days, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(days);
        var boundaries = days.Boundaries();
        BsonDocument[] pipeline =
        [
            new("$match", TimeRange(practiceId, boundaries[0], boundaries[^1])),
            new("$group", new BsonDocument
            {
                { "_id", new BsonDocument { { "d", LocalDate(days) }, { "a", "$" + MongoAuditFields.Action }, { "r", "$" + MongoAuditFields.Result } } },
                { "n", new BsonDocument("$sum", 1) },
            }),
        ];
        var rows = new List<AuditDayCount>();
        foreach (var row in await RunAsync(pipeline, ct))
        {
            var id = row["_id"].AsBsonDocument;
            rows.Add(new AuditDayCount(
                DateOnly.ParseExact(id["d"].AsString, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                Enum.Parse<AuditAction>(id["a"].AsString),
                Enum.Parse<AuditResult>(id["r"].AsString),
                row["n"].ToInt64()));
        }

        return rows;
    }

    public async Task<IReadOnlyList<AuditGroupCount>> CountByAsync(PracticeId practiceId, AuditGrouping grouping, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(grouping);
        grouping.Validate();
        var windows = AuditWindows.Merge(grouping.Windows);
        // The outer range bounds the index scan; the $or keeps only the windows inside it.
        var match = TimeRange(practiceId, windows[0].From, windows[^1].To);
        match.AddRange(new BsonDocument
        {
            {
                "$or", new BsonArray(windows.Select(w => new BsonDocument(MongoAuditFields.Timestamp, new BsonDocument
                {
                    { "$gte", new BsonDateTime(w.From.ToUnixTimeMilliseconds()) },
                    { "$lt", new BsonDateTime(w.To.ToUnixTimeMilliseconds()) },
                })))
            },
        });
        AddActions(match, grouping.Actions);
        if (grouping.Result is { } result)
        {
            match.Add(MongoAuditFields.Result, result.ToString());
        }

        var key = grouping.Key switch
        {
            AuditGroupKey.Actor => MongoAuditFields.ActorUserId,
            AuditGroupKey.SourceIp => MongoAuditFields.SourceIp,
            _ => throw new ArgumentOutOfRangeException(nameof(grouping)),
        };
        BsonDocument[] pipeline =
        [
            new("$match", match),
            new("$group", new BsonDocument
            {
                // A missing field groups as null, like SQLite's NULL.
                { "_id", new BsonDocument("$ifNull", new BsonArray { "$" + key, BsonNull.Value }) },
                { "n", new BsonDocument("$sum", 1) },
                { "clients", new BsonDocument("$addToSet", new BsonDocument("$ifNull", new BsonArray { "$" + MongoAuditFields.ClientId, BsonNull.Value })) },
                { "first", new BsonDocument("$min", "$" + MongoAuditFields.Timestamp) },
                { "last", new BsonDocument("$max", "$" + MongoAuditFields.Timestamp) },
            }),
            new("$match", new BsonDocument("n", new BsonDocument("$gte", grouping.MinCount))),
            new("$sort", new BsonDocument { { "n", -1 }, { "_id", 1 } }),
            new("$limit", grouping.Limit),
            new("$project", new BsonDocument
            {
                { "n", 1 },
                { "first", 1 },
                { "last", 1 },
                { "clients", new BsonDocument("$size", new BsonDocument("$setDifference", new BsonArray { "$clients", new BsonArray { BsonNull.Value } })) },
            }),
        ];
        return
        [
            .. (await RunAsync(pipeline, ct)).Select(row => new AuditGroupCount(
                row["_id"].IsBsonNull ? null : row["_id"].AsString,
                row["n"].ToInt64(),
                row["clients"].ToInt64(),
                DateTimeOffset.FromUnixTimeMilliseconds(row["first"].AsBsonDateTime.MillisecondsSinceEpoch),
                DateTimeOffset.FromUnixTimeMilliseconds(row["last"].AsBsonDateTime.MillisecondsSinceEpoch))),
        ];
    }

    public async Task<IReadOnlyList<AuditActorDayClients>> DistinctClientsByActorAndDayAsync(
        PracticeId practiceId, AuditDays days, IReadOnlyList<AuditAction> actions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(actions);
        var boundaries = days.Boundaries();
        var match = TimeRange(practiceId, boundaries[0], boundaries[^1]);
        AddActions(match, actions);
        match.Add(MongoAuditFields.ActorUserId, new BsonDocument("$type", "string"));
        match.Add(MongoAuditFields.ClientId, new BsonDocument("$type", "string"));
        BsonDocument[] pipeline =
        [
            new("$match", match),
            new("$group", new BsonDocument("_id", new BsonDocument
            {
                { "d", LocalDate(days) },
                { "u", "$" + MongoAuditFields.ActorUserId },
                { "c", "$" + MongoAuditFields.ClientId },
            })),
            new("$group", new BsonDocument
            {
                { "_id", new BsonDocument { { "d", "$_id.d" }, { "u", "$_id.u" } } },
                { "n", new BsonDocument("$sum", 1) },
            }),
        ];
        var rows = new List<AuditActorDayClients>();
        foreach (var row in await RunAsync(pipeline, ct))
        {
            var id = row["_id"].AsBsonDocument;
            rows.Add(new AuditActorDayClients(
                UserId.Parse(id["u"].AsString, CultureInfo.InvariantCulture),
                DateOnly.ParseExact(id["d"].AsString, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                row["n"].ToInt64()));
        }

        return rows;
    }

    private static BsonDocument TimeRange(PracticeId practiceId, DateTimeOffset from, DateTimeOffset to) => new()
    {
        { MongoAuditFields.PracticeId, practiceId.ToString() },
        {
            MongoAuditFields.Timestamp, new BsonDocument
            {
                { "$gte", new BsonDateTime(from.ToUnixTimeMilliseconds()) },
                { "$lt", new BsonDateTime(to.ToUnixTimeMilliseconds()) },
            }
        },
    };

    /// <summary>The event's calendar date in the days' zone, as yyyy-MM-dd.</summary>
    private static BsonDocument LocalDate(AuditDays days) => new("$dateToString", new BsonDocument
    {
        { "format", "%Y-%m-%d" },
        { "date", "$" + MongoAuditFields.Timestamp },
        { "timezone", days.Zone.Id },
    });

    private static void AddActions(BsonDocument match, IReadOnlyList<AuditAction>? actions)
    {
        if (actions is not null)
        {
            match.Add(MongoAuditFields.Action, new BsonDocument("$in", new BsonArray(actions.Distinct().Select(a => a.ToString()))));
        }
    }

    private async Task<List<BsonDocument>> RunAsync(BsonDocument[] pipeline, CancellationToken ct)
    {
        using var cursor = await _events.AggregateAsync<BsonDocument>(pipeline, Options, ct);
        return await cursor.ToListAsync(ct);
    }
}
