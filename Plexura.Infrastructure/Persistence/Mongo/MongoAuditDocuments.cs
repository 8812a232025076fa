using System.Globalization;
using MongoDB.Bson;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Infrastructure.Persistence.Mongo;

/// <summary>Field names of <c>audit_events</c> documents.</summary>
internal static class MongoAuditFields
{
    public const string Id = "_id";
    public const string PracticeId = "practiceId";
    public const string Sequence = "sequence";
    public const string Timestamp = "timestamp";
    public const string ActorUserId = "actorUserId";
    public const string ActorEmail = "actorEmail";
    public const string SourceIp = "sourceIp";
    public const string UserAgent = "userAgent";
    public const string Action = "action";
    public const string TargetType = "targetType";
    public const string TargetId = "targetId";
    public const string ClientId = "clientId";
    public const string Result = "result";
    public const string Details = "details";
    public const string PreviousHash = "previousHash";
    public const string Hash = "hash";
}

/// <summary>Audit events as BSON with explicit types, and the audit log's query filters.</summary>
/// <remarks>
/// <c>_id</c> is the event id as a "D" GUID string (as in SQLite, and no GUID-representation setting involved);
/// <c>practiceId</c> and <c>actorUserId</c> are GUID strings; <c>sequence</c> is Int64; <c>timestamp</c> is a BSON
/// date, which holds milliseconds, exactly the precision the audit log gives events; <c>action</c> and <c>result</c>
/// are enum names; <c>details</c> is a sub-document of strings. A null optional field is left out, so the partial
/// client index holds only events that name a client.
/// </remarks>
internal static class MongoAuditDocuments
{
    public static BsonDocument ToBson(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var details = new BsonDocument();
        foreach (var (key, value) in e.Details.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            details.Add(key, value);
        }

        var document = new BsonDocument
        {
            { MongoAuditFields.Id, e.Id.ToString("D") },
            { MongoAuditFields.PracticeId, e.PracticeId.ToString() },
            { MongoAuditFields.Sequence, new BsonInt64(e.Sequence) },
            { MongoAuditFields.Timestamp, new BsonDateTime(e.Timestamp.ToUnixTimeMilliseconds()) },
        };
        AddOptional(document, MongoAuditFields.ActorUserId, e.ActorUserId?.ToString());
        AddOptional(document, MongoAuditFields.ActorEmail, e.ActorEmail);
        AddOptional(document, MongoAuditFields.SourceIp, e.SourceIp);
        AddOptional(document, MongoAuditFields.UserAgent, e.UserAgent);
        document.Add(MongoAuditFields.Action, e.Action.ToString());
        AddOptional(document, MongoAuditFields.TargetType, e.TargetType);
        AddOptional(document, MongoAuditFields.TargetId, e.TargetId);
        AddOptional(document, MongoAuditFields.ClientId, e.ClientId);
        document.Add(MongoAuditFields.Result, e.Result.ToString());
        document.Add(MongoAuditFields.Details, details);
        document.Add(MongoAuditFields.PreviousHash, e.PreviousHash);
        document.Add(MongoAuditFields.Hash, e.Hash);
        return document;
    }

    public static AuditEvent FromBson(BsonDocument d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        if (d.TryGetValue(MongoAuditFields.Details, out var stored) && stored.IsBsonDocument)
        {
            foreach (var element in stored.AsBsonDocument)
            {
                details.Add(element.Name, element.Value.AsString);
            }
        }

        return new AuditEvent(
            Guid.Parse(d[MongoAuditFields.Id].AsString),
            PracticeId.Parse(d[MongoAuditFields.PracticeId].AsString, CultureInfo.InvariantCulture),
            d[MongoAuditFields.Sequence].ToInt64(),
            DateTimeOffset.FromUnixTimeMilliseconds(d[MongoAuditFields.Timestamp].AsBsonDateTime.MillisecondsSinceEpoch),
            Optional(d, MongoAuditFields.ActorUserId) is { } actor ? UserId.Parse(actor, CultureInfo.InvariantCulture) : null,
            Optional(d, MongoAuditFields.ActorEmail),
            Optional(d, MongoAuditFields.SourceIp),
            Optional(d, MongoAuditFields.UserAgent),
            Enum.Parse<AuditAction>(d[MongoAuditFields.Action].AsString),
            Optional(d, MongoAuditFields.TargetType),
            Optional(d, MongoAuditFields.TargetId),
            Optional(d, MongoAuditFields.ClientId),
            Enum.Parse<AuditResult>(d[MongoAuditFields.Result].AsString),
            details,
            d[MongoAuditFields.PreviousHash].AsString,
            d[MongoAuditFields.Hash].AsString);
    }

    /// <summary>
    /// The filter of <see cref="IAuditStore.QueryAsync"/>, as SQLite's: From inclusive, To exclusive (both to the
    /// millisecond), and equality on action, actor, client and result, always inside one practice.
    /// </summary>
    public static BsonDocument QueryFilter(PracticeId practiceId, AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new BsonDocument(MongoAuditFields.PracticeId, practiceId.ToString());
        var time = new BsonDocument();
        if (query.From is { } from)
        {
            time.Add("$gte", new BsonDateTime(from.ToUnixTimeMilliseconds()));
        }

        if (query.To is { } to)
        {
            time.Add("$lt", new BsonDateTime(to.ToUnixTimeMilliseconds()));
        }

        if (time.ElementCount > 0)
        {
            filter.Add(MongoAuditFields.Timestamp, time);
        }

        var actions = AuditQueryActions.Of(query);
        if (actions is not null)
        {
            // One action as plain equality (as before the action set existed, and simplest for the planner).
            filter.Add(
                MongoAuditFields.Action,
                actions.Count == 1 ? actions[0].ToString() : new BsonDocument("$in", new BsonArray(actions.Select(a => a.ToString()))));
        }

        if (query.ActorUserId is { } actor)
        {
            filter.Add(MongoAuditFields.ActorUserId, actor.ToString());
        }

        if (query.ClientId is { } client)
        {
            // The $exists repeats the partial index's filter, so the planner can always use that index.
            filter.Add(MongoAuditFields.ClientId, new BsonDocument { { "$exists", true }, { "$eq", client } });
        }

        if (query.Result is { } result)
        {
            filter.Add(MongoAuditFields.Result, result.ToString());
        }

        AddEquals(filter, MongoAuditFields.TargetType, query.TargetType);
        AddEquals(filter, MongoAuditFields.TargetId, query.TargetId);
        AddEquals(filter, MongoAuditFields.SourceIp, query.SourceIp);
        var sequence = new BsonDocument();
        if (query.BeforeSequence is { } before)
        {
            sequence.Add("$lt", new BsonInt64(before));
        }

        if (query.AfterSequence is { } after)
        {
            sequence.Add("$gt", new BsonInt64(after));
        }

        if (sequence.ElementCount > 0)
        {
            filter.Add(MongoAuditFields.Sequence, sequence);
        }

        return filter;
    }

    /// <summary>The query's limit, clamped as SQLite's.</summary>
    public static int Limit(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Math.Clamp(query.Limit, 1, 10_000);
    }

    private static void AddEquals(BsonDocument filter, string name, string? value)
    {
        if (value is not null)
        {
            filter.Add(name, value);
        }
    }

    private static void AddOptional(BsonDocument document, string name, string? value)
    {
        if (value is not null)
        {
            document.Add(name, value);
        }
    }

    private static string? Optional(BsonDocument d, string name) =>
        d.TryGetValue(name, out var value) && !value.IsBsonNull ? value.AsString : null;
}
