using Plexura.Core.Common;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Infrastructure.Persistence.Mongo;

namespace Plexura.Tests.Persistence.Mongo;

public sealed class MongoDuplicateKeyTests
{
    [Theory]
    [InlineData("E11000 duplicate key error collection: plexura.users index: ux_users_email dup key: { email: \"a@example.com\" }", "ux_users_email")]
    [InlineData("E11000 duplicate key error collection: plexura.users index: _id_ dup key: { _id: \"x\" }", "_id_")]
    [InlineData("E11000 duplicate key error index: plexura.users.$ux_users_email  dup key: { : \"a\" }", "plexura.users.$ux_users_email")]
    [InlineData("something else entirely", null)]
    [InlineData(null, null)]
    public void DuplicateKeyIndex_ServerMessages_ExtractIndexName(string? message, string? expected)
    {
        Assert.Equal(expected, MongoErrors.DuplicateKeyIndex(message));
    }

    [Fact]
    public void Duplicate_UniqueEmailIndex_ReportsEmailKeyWithoutValue()
    {
        const string message = "E11000 duplicate key error collection: plexura.users index: ux_users_email dup key: { email: \"secret@example.com\" }";

        var ex = DocumentGuard.Duplicate(Collections.Users, MongoErrors.DuplicateKeyIndex(message));

        Assert.Equal("email", ex.Key);
        Assert.Equal("user", ex.RecordType);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_MembershipUserIndex_ReportsUserIdKey()
    {
        const string message = "E11000 duplicate key error collection: plexura.memberships index: ux_memberships_userId dup key: { practiceId: \"p\", userId: \"u\" }";

        Assert.Equal("userId", DocumentGuard.Duplicate(Collections.Memberships, MongoErrors.DuplicateKeyIndex(message)).Key);
    }

    [Fact]
    public void Duplicate_IdIndexWithFieldNameInValue_ReportsId()
    {
        // The value quotes a field name; only the index name may decide the key.
        const string message = "E11000 duplicate key error collection: plexura.users index: _id_ dup key: { _id: \"email\" }";

        var ex = DocumentGuard.Duplicate(Collections.Users, MongoErrors.DuplicateKeyIndex(message));

        Assert.IsType<DuplicateRecordException>(ex);
        Assert.Equal("id", ex.Key);
    }

    [Fact]
    public void MongoFilters_GlobalScope_MatchesNullPractice()
    {
        var filter = MongoFilters.ByIdAndVersion(null, "u1", 3);

        Assert.True(filter["practiceId"].IsBsonNull);
        Assert.Equal(3L, filter["_v"].AsInt64);
        Assert.Equal("u1", filter["_id"].AsString);
    }

    [Fact]
    public void MongoFilters_PracticeScope_AlwaysCarriesPractice()
    {
        var practice = PracticeId.New().ToString();

        Assert.Equal(practice, MongoFilters.InScope(practice)["practiceId"].AsString);
        Assert.Equal(practice, MongoFilters.ById(practice, "x")["practiceId"].AsString);
        Assert.Equal(practice, MongoFilters.ByField(practice, "userId", "u")["practiceId"].AsString);
        Assert.Equal("u", MongoFilters.ByField(practice, "userId", "u")["userId"].AsString);
    }
}
