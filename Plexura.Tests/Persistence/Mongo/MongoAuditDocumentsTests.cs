using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Infrastructure.Auditing;
using Plexura.Infrastructure.Persistence.Mongo;

namespace Plexura.Tests.Persistence.Mongo;

public sealed class MongoAuditDocumentsTests
{
    private static readonly PracticeId Practice = PracticeId.New();
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 23, 9, 30, 15, 123, TimeSpan.Zero);

    [Fact]
    public void RoundTrip_FullEvent_IsEqualAndStillVerifies()
    {
        var e = Sealed(new AuditEvent(
            Guid.CreateVersion7(), Practice, 42, Now, UserId.New(), "a@example.com", "203.0.113.7", "Mozilla/5.0 ✓",
            AuditAction.PhiViewed, "client", "c-1", "client-9", AuditResult.Success,
            new Dictionary<string, string> { ["noteId"] = "n-1", ["field"] = "summary" }, new string('a', 64), string.Empty));

        var back = RoundTrip(e, out _);

        AssertSame(e, back);
        Assert.Equal(e.Hash, AuditHasher.ComputeHash(back));
    }

    [Fact]
    public void RoundTrip_MinimalEvent_OmitsNullFieldsAndReadsThemAsNull()
    {
        var e = Sealed(new AuditEvent(
            Guid.CreateVersion7(), PracticeId.None, 1, Now, null, null, null, null,
            AuditAction.SignInFailed, null, null, null, AuditResult.Failed, new Dictionary<string, string>(),
            AuditChainHead.Genesis.Hash, string.Empty));

        var back = RoundTrip(e, out var stored);

        AssertSame(e, back);
        Assert.Equal(e.Hash, AuditHasher.ComputeHash(back));
        foreach (var optional in new[] { "actorUserId", "actorEmail", "sourceIp", "userAgent", "targetType", "targetId", "clientId" })
        {
            Assert.False(stored.Contains(optional), optional);
        }
    }

    [Fact]
    public void ToBson_Always_UsesExplicitBsonTypes()
    {
        var e = Sealed(new AuditEvent(
            Guid.CreateVersion7(), Practice, long.MaxValue, Now, UserId.New(), null, null, null,
            AuditAction.Exported, null, null, "client-1", AuditResult.Denied, new Dictionary<string, string> { ["k"] = "v" },
            new string('b', 64), string.Empty));

        var d = MongoAuditDocuments.ToBson(e);

        Assert.Equal(BsonType.String, d["_id"].BsonType);
        Assert.Equal(e.Id.ToString("D"), d["_id"].AsString);
        Assert.Equal(Practice.ToString(), d["practiceId"].AsString);
        Assert.Equal(BsonType.Int64, d["sequence"].BsonType);
        Assert.Equal(BsonType.DateTime, d["timestamp"].BsonType);
        Assert.Equal(Now.ToUnixTimeMilliseconds(), d["timestamp"].AsBsonDateTime.MillisecondsSinceEpoch);
        Assert.Equal("Exported", d["action"].AsString);
        Assert.Equal("Denied", d["result"].AsString);
        Assert.Equal(BsonType.Document, d["details"].BsonType);
        Assert.Equal("v", d["details"]["k"].AsString);
    }

    [Fact]
    public void RoundTrip_NonUtcOffset_KeepsInstantAndHash()
    {
        var local = new DateTimeOffset(2026, 11, 23, 4, 30, 15, 123, TimeSpan.FromHours(-5));
        var e = Sealed(new AuditEvent(
            Guid.CreateVersion7(), Practice, 2, local, null, null, null, null, AuditAction.SignOut, null, null, null,
            AuditResult.Success, new Dictionary<string, string>(), new string('c', 64), string.Empty));

        var back = RoundTrip(e, out _);

        Assert.Equal(local.UtcTicks, back.Timestamp.UtcTicks);
        Assert.Equal(e.Hash, AuditHasher.ComputeHash(back));
    }

    [Fact]
    public void QueryFilter_AllCriteria_MirrorsSqliteFilters()
    {
        var actor = UserId.New();
        var from = Now.AddDays(-1);
        var query = new AuditQuery(from, Now, AuditAction.PhiViewed, actor, "client-3", AuditResult.Success, Limit: 5);

        var filter = MongoAuditDocuments.QueryFilter(Practice, query);

        var expected = new BsonDocument
        {
            { "practiceId", Practice.ToString() },
            { "timestamp", new BsonDocument { { "$gte", new BsonDateTime(from.ToUnixTimeMilliseconds()) }, { "$lt", new BsonDateTime(Now.ToUnixTimeMilliseconds()) } } },
            { "action", "PhiViewed" },
            { "actorUserId", actor.ToString() },
            { "clientId", new BsonDocument { { "$exists", true }, { "$eq", "client-3" } } },
            { "result", "Success" },
        };
        Assert.Equal(expected, filter);
    }

    [Fact]
    public void QueryFilter_NoCriteria_FiltersOnPracticeOnly()
    {
        Assert.Equal(new BsonDocument("practiceId", Practice.ToString()), MongoAuditDocuments.QueryFilter(Practice, new AuditQuery()));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(100, 100)]
    [InlineData(1_000_000, 10_000)]
    public void Limit_OutOfRange_IsClamped(int requested, int expected)
    {
        Assert.Equal(expected, MongoAuditDocuments.Limit(new AuditQuery(Limit: requested)));
    }

    [Fact]
    public void EnsureExtends_WrongSequenceOrPractice_Throws()
    {
        var head = new AuditChainHead(3, new string('d', 64));
        var e = new AuditEvent(
            Guid.CreateVersion7(), Practice, 4, Now, null, null, null, null, AuditAction.Created, null, null, null,
            AuditResult.Success, new Dictionary<string, string>(), head.Hash, "h");

        MongoAuditStore.EnsureExtends(Practice, head, e);
        Assert.Throws<InvalidOperationException>(() => MongoAuditStore.EnsureExtends(Practice, head, e with { Sequence = 5 }));
        Assert.Throws<InvalidOperationException>(() => MongoAuditStore.EnsureExtends(PracticeId.New(), head, e));
    }

    [Fact]
    public void EnsureExtends_SubMillisecondTimestamp_Throws()
    {
        var head = AuditChainHead.Genesis;
        var e = new AuditEvent(
            Guid.CreateVersion7(), Practice, 1, Now.AddTicks(1), null, null, null, null, AuditAction.Created, null, null, null,
            AuditResult.Success, new Dictionary<string, string>(), head.Hash, "h");

        Assert.Throws<InvalidOperationException>(() => MongoAuditStore.EnsureExtends(Practice, head, e));
    }

    [Fact]
    public void IsSequenceCollision_DuplicateKeyMessages_TellRaceFromIdClash()
    {
        Assert.True(MongoAuditStore.IsSequenceCollision(
            "E11000 duplicate key error collection: plexura.audit_events index: ux_audit_events_practice_sequence dup key: { practiceId: \"x\", sequence: 4 }"));
        Assert.False(MongoAuditStore.IsSequenceCollision(
            "E11000 duplicate key error collection: plexura.audit_events index: _id_ dup key: { _id: \"0199\" }"));
    }

    private static AuditEvent Sealed(AuditEvent e) => e with { Hash = AuditHasher.ComputeHash(e) };

    private static AuditEvent RoundTrip(AuditEvent e, out BsonDocument stored)
    {
        stored = BsonSerializer.Deserialize<BsonDocument>(MongoAuditDocuments.ToBson(e).ToBson());
        return MongoAuditDocuments.FromBson(stored);
    }

    private static void AssertSame(AuditEvent expected, AuditEvent actual)
    {
        Assert.Equal(expected with { Details = actual.Details }, actual);
        Assert.Equal(expected.Details.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Details.OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
