using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Core.Users;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Infrastructure.Persistence.Mongo;

namespace Plexura.Tests.Persistence.Mongo;

public sealed class MongoDocumentMapperTests
{
    private static readonly PracticeId PracticeA = PracticeId.New();
    private static readonly DateTimeOffset Created = new DateTimeOffset(2026, 11, 23, 9, 30, 15, 123, TimeSpan.Zero).AddTicks(4567);

    [Fact]
    public void RoundTrip_Practice_ReturnsEqualRecordAndSameJson()
    {
        var practice = new Practice(PracticeA, "Harbor \"Counseling\" – Ünïcode ✓", Created, Version: 7);

        var stored = AssertRoundTrip(Collections.Practices, practice, PracticeA.ToString());

        Assert.Equal(PracticeA.ToString(), stored[MongoFields.Id].AsString);
        Assert.Equal(PracticeA.ToString(), stored[MongoFields.PracticeId].AsString);
    }

    [Fact]
    public void RoundTrip_User_StoresNullPracticeAndStripsItOnRead()
    {
        var user = new User(UserId.New(), "a@example.com", "Dr. A", "$2a$12$hash", Created, EmailVerifiedAt: Created.AddDays(1), Version: 3);

        var stored = AssertRoundTrip(Collections.Users, user, null);

        Assert.True(stored[MongoFields.PracticeId].IsBsonNull);
        Assert.Equal("a@example.com", stored["email"].AsString);
    }

    [Fact]
    public void RoundTrip_UserWithoutVerification_KeepsNull()
    {
        var user = new User(UserId.New(), "b@example.com", "B", "h", Created);

        var stored = AssertRoundTrip(Collections.Users, user, null);

        Assert.True(stored["emailVerifiedAt"].IsBsonNull);
    }

    [Fact]
    public void RoundTrip_Membership_StoresIndexedFieldAsGuidString()
    {
        var userId = UserId.New();
        var membership = new Membership(MembershipId.New(), PracticeA, userId, PracticeRole.Clinician, Created, Version: 2);

        var stored = AssertRoundTrip(Collections.Memberships, membership, PracticeA.ToString());

        // FindOneAsync filters on this exact string (the repository passes userId.ToString()).
        Assert.Equal(userId.ToString(), stored["userId"].AsString);
        Assert.Equal("Clinician", stored["role"].AsString);
    }

    [Fact]
    public void RoundTrip_PracticeDataKey_WithAndWithoutDestroyedAt()
    {
        var key = new PracticeDataKey(PracticeA.ToString(), PracticeA, "master-1", Convert.ToBase64String(new byte[60]), Created);
        AssertRoundTrip(Collections.PracticeKeys, key, PracticeA.ToString());

        var destroyed = key with { WrappedKey = string.Empty, DestroyedAt = Created.AddYears(1), Version = long.MaxValue - 1 };
        var stored = AssertRoundTrip(Collections.PracticeKeys, destroyed, PracticeA.ToString());
        Assert.Equal(BsonType.Int64, stored[MongoFields.Version].BsonType);
        Assert.Equal(long.MaxValue - 1, stored[MongoFields.Version].AsInt64);
    }

    [Fact]
    public void ToBson_Always_AddsIdPracticeAndInt64Version()
    {
        var membership = new Membership(MembershipId.New(), PracticeA, UserId.New(), PracticeRole.Owner, Created);

        var stored = new MongoDocumentMapper<Membership>(Collections.Memberships).ToBson(membership, PracticeA.ToString());

        Assert.Equal(membership.Id.ToString(), stored[MongoFields.Id].AsString);
        Assert.Equal(BsonType.String, stored[MongoFields.PracticeId].BsonType);
        Assert.Equal(BsonType.Int64, stored[MongoFields.Version].BsonType);
        Assert.Equal(0L, stored[MongoFields.Version].AsInt64);
        Assert.Equal(BsonType.String, stored["createdAt"].BsonType);
    }

    [Fact]
    public void FromBson_VersionField_WinsOverVersionInsideJson()
    {
        var mapper = new MongoDocumentMapper<Membership>(Collections.Memberships);
        var stored = mapper.ToBson(new Membership(MembershipId.New(), PracticeA, UserId.New(), PracticeRole.Admin, Created, 4), PracticeA.ToString());
        stored[MongoFields.Version] = new BsonInt64(9);

        Assert.Equal(9, mapper.FromBson(stored).Version);
    }

    [Fact]
    public void ToBson_PracticeFieldOfAnotherPractice_Throws()
    {
        var membership = new Membership(MembershipId.New(), PracticeA, UserId.New(), PracticeRole.Owner, Created);

        Assert.Throws<InvalidOperationException>(
            () => new MongoDocumentMapper<Membership>(Collections.Memberships).ToBson(membership, PracticeId.New().ToString()));
    }

    [Fact]
    public void Constructor_RecordWithEngineField_Throws()
    {
        var definition = new CollectionDefinition<Clashing>("clashing", "clash", false, c => c.Id, _ => null, c => c.V, (c, v) => c with { V = v }, []);

        Assert.Throws<InvalidOperationException>(() => new MongoDocumentMapper<Clashing>(definition));
    }

    [Fact]
    public void Constructor_GlobalRecordWithPracticeField_Throws()
    {
        var definition = new CollectionDefinition<Membership>(
            "bad", "bad", IsPracticeOwned: false, m => m.Id.ToString(), _ => null, m => m.Version, (m, v) => m with { Version = v }, []);

        Assert.Throws<InvalidOperationException>(() => new MongoDocumentMapper<Membership>(definition));
    }

    [Fact]
    public void RoundTrip_NumbersAndDollarKeys_AreExact()
    {
        var definition = new CollectionDefinition<Numbers>("numbers", "numbers", false, n => n.Id, _ => null, n => n.Version, (n, v) => n with { Version = v }, []);
        var numbers = new Numbers(
            "n1",
            long.MaxValue,
            int.MinValue,
            0.1,
            1e300,
            1.10m,
            0.0000001m,
            79228162514264337593543950335m,
            new Dictionary<string, string> { ["$date"] = "not a date", ["$numberLong"] = "1" },
            [1, 2, 3],
            Version: 5);

        var stored = AssertRoundTrip(definition, numbers, null);

        Assert.Equal(BsonType.Int64, stored["big"].BsonType);
        Assert.Equal(BsonType.Double, stored["fraction"].BsonType);
        Assert.Equal(BsonType.Decimal128, stored["money"].BsonType);
        Assert.Equal("not a date", stored["tags"]["$date"].AsString);
    }

    private static BsonDocument AssertRoundTrip<T>(CollectionDefinition<T> definition, T record, string? scope)
        where T : class
    {
        var mapper = new MongoDocumentMapper<T>(definition);
        var stored = mapper.ToBson(record, scope);

        // Through BSON bytes, as the server would keep it.
        var reread = BsonSerializer.Deserialize<BsonDocument>(stored.ToBson());

        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(DocumentJson.Serialize(record)), JsonNode.Parse(mapper.ToJson(reread))),
            $"{DocumentJson.Serialize(record)} != {mapper.ToJson(reread)}");
        Assert.Equal(record, mapper.FromBson(reread));
        return reread;
    }

    public sealed record Clashing([property: JsonPropertyName("_v")] long V, string Id);

    public sealed record Numbers(
        string Id,
        long Big,
        int Small,
        double Fraction,
        double Huge,
        decimal Money,
        decimal Tiny,
        decimal MaxDecimal,
        Dictionary<string, string> Tags,
        int[] List,
        long Version = 0)
    {
        public bool Equals(Numbers? other) =>
            other is not null && JsonSerializer.Serialize(this, DocumentJson.Options) == JsonSerializer.Serialize(other, DocumentJson.Options);

        public override int GetHashCode() => Id.GetHashCode(StringComparison.Ordinal);
    }
}
