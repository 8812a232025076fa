using System.Reflection;
using MongoDB.Bson;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Infrastructure.Persistence.Mongo;

namespace Plexura.Tests.Persistence.Mongo;

public sealed class MongoIndexesTests
{
    [Fact]
    public void CollectionsAll_EveryDefinition_IsListed()
    {
        var defined = typeof(Collections)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType.IsGenericType && f.FieldType.GetGenericTypeDefinition() == typeof(CollectionDefinition<>))
            .Select(f => (string)f.FieldType.GetProperty(nameof(CollectionDefinition<object>.Name))!.GetValue(f.GetValue(null))!)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(defined);
        Assert.Equal(defined, Collections.All.Select(c => c.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void For_Memberships_DerivesPracticeLedUniqueAndCrossPracticeIndexes()
    {
        var specs = MongoIndexes.For(CollectionShape.Of(Collections.Memberships));

        Assert.Collection(
            specs,
            s => AssertSpec(s, "ix_memberships_practice", new BsonDocument { { "practiceId", 1 }, { "_id", 1 } }, unique: false),
            s => AssertSpec(s, "ux_memberships_userId", new BsonDocument { { "practiceId", 1 }, { "userId", 1 } }, unique: true),
            s => AssertSpec(s, "ux_memberships_userId_all", new BsonDocument("userId", 1), unique: false));
    }

    [Fact]
    public void For_Invitations_DerivesPracticeLedTokenAndEmailIndexesAndTheCrossPracticeTokenIndex()
    {
        var specs = MongoIndexes.For(CollectionShape.Of(Collections.Invitations));

        Assert.Collection(
            specs,
            s => AssertSpec(s, "ix_invitations_practice", new BsonDocument { { "practiceId", 1 }, { "_id", 1 } }, unique: false),
            s => AssertSpec(s, "ix_invitations_tokenHash", new BsonDocument { { "practiceId", 1 }, { "tokenHash", 1 } }, unique: false),
            s => AssertSpec(s, "ix_invitations_tokenHash_all", new BsonDocument("tokenHash", 1), unique: false),
            s => AssertSpec(s, "ix_invitations_email", new BsonDocument { { "practiceId", 1 }, { "email", 1 } }, unique: false));
    }

    [Fact]
    public void For_Clients_SearchTokensAndCreatorIndexesArePracticeLedAndNotUnique()
    {
        var specs = MongoIndexes.For(CollectionShape.Of(Collections.Clients));

        // An array field makes this a multikey index: $all on the tokens walks it within one practice.
        Assert.Collection(
            specs,
            s => AssertSpec(s, "ix_clients_practice", new BsonDocument { { "practiceId", 1 }, { "_id", 1 } }, unique: false),
            s => AssertSpec(s, "ix_clients_searchTokens", new BsonDocument { { "practiceId", 1 }, { "searchTokens", 1 } }, unique: false),
            s => AssertSpec(s, "ix_clients_createdBy", new BsonDocument { { "practiceId", 1 }, { "createdBy", 1 } }, unique: false));
    }

    [Fact]
    public void PageFilter_SearchWithoutArchivedAfterAnId_LeadsWithThePracticeAndNeedsAllTokens()
    {
        var query = new DocumentPageQuery(25) { ArrayField = "searchTokens", ContainsAll = ["a", "b"], NullField = "archivedAt", AfterId = "id-1" };

        var filter = MongoFilters.Page("p-1", query, ["a", "b"]);

        Assert.Equal(
            new BsonDocument
            {
                { "practiceId", "p-1" },
                { "searchTokens", new BsonDocument("$all", new BsonArray { "a", "b" }) },
                { "archivedAt", BsonNull.Value },
                { "_id", new BsonDocument("$gt", "id-1") },
            },
            filter);
    }

    [Fact]
    public void For_Users_GlobalCollection_IndexesFieldAlone()
    {
        var specs = MongoIndexes.For(CollectionShape.Of(Collections.Users));

        Assert.Collection(
            specs,
            s => AssertSpec(s, "ux_users_email", new BsonDocument("email", 1), unique: true),
            s => AssertSpec(s, "ix_users_emailVerificationTokenHash", new BsonDocument("emailVerificationTokenHash", 1), unique: false),
            s => AssertSpec(s, "ix_users_passwordResetTokenHash", new BsonDocument("passwordResetTokenHash", 1), unique: false));
    }

    [Fact]
    public void For_PracticeOwnedWithoutIndexes_HasPracticeIndexOnly()
    {
        Assert.Collection(
            MongoIndexes.For(CollectionShape.Of(Collections.PracticeKeys)),
            s => AssertSpec(s, "ix_practice_keys_practice", new BsonDocument { { "practiceId", 1 }, { "_id", 1 } }, unique: false));
    }

    [Fact]
    public void All_EveryUniqueDefinitionIndex_IsUniqueAndNamesItsField()
    {
        var specs = MongoIndexes.All();
        foreach (var collection in Collections.All)
        {
            foreach (var index in collection.Indexes.Where(i => i.Unique))
            {
                var spec = Assert.Single(specs, s => s.Collection == collection.Name && s.Unique && s.Keys.Contains(index.Field));
                Assert.Contains(index.Field, spec.Name, StringComparison.Ordinal);
                Assert.Equal(collection.IsPracticeOwned, spec.Keys.Names.First() == "practiceId");
            }
        }
    }

    [Fact]
    public void All_IndexNames_AreUniquePerCollection()
    {
        var specs = MongoIndexes.All();

        Assert.Equal(specs.Count, specs.Select(s => (s.Collection, s.Name)).Distinct().Count());
        Assert.All(specs, s => Assert.NotEqual("_id_", s.Name));
    }

    [Fact]
    public void Audit_Indexes_IncludeUniqueChainPosition()
    {
        var audit = MongoIndexes.All().Where(s => s.Collection == "audit_events").ToList();

        Assert.Collection(
            audit.Take(4),
            s => AssertSpec(s, "ux_audit_events_practice_sequence", new BsonDocument { { "practiceId", 1 }, { "sequence", 1 } }, unique: true),
            s => AssertSpec(s, "ix_audit_events_time", new BsonDocument { { "practiceId", 1 }, { "timestamp", 1 } }, unique: false),
            s =>
            {
                AssertSpec(s, "ix_audit_events_client", new BsonDocument { { "practiceId", 1 }, { "clientId", 1 } }, unique: false);
                Assert.Equal(new BsonDocument("clientId", new BsonDocument("$exists", true)), s.PartialFilter);
            },
            s => AssertSpec(s, "ix_audit_events_actor", new BsonDocument { { "practiceId", 1 }, { "actorUserId", 1 } }, unique: false));
        AssertSpec(
            Assert.Single(audit, s => s.Name == "ix_audit_events_stats"),
            "ix_audit_events_stats",
            new BsonDocument { { "practiceId", 1 }, { "timestamp", 1 }, { "action", 1 }, { "result", 1 }, { "actorUserId", 1 }, { "clientId", 1 }, { "sourceIp", 1 } },
            unique: false);
    }

    [Fact]
    public void Audit_Indexes_CoverEachViewerFilterFollowedByTheSequence()
    {
        var audit = MongoIndexes.All().Where(s => s.Collection == "audit_events").ToList();

        foreach (var field in new[] { "action", "result", "actorUserId", "clientId", "targetType", "targetId", "sourceIp" })
        {
            var spec = Assert.Single(audit, s => s.Keys.Names.SequenceEqual(["practiceId", field, "sequence"]));
            Assert.False(spec.Unique);
        }
    }

    [Fact]
    public void ToModel_Spec_CarriesNameUniqueAndPartialFilter()
    {
        var spec = MongoIndexes.Audit[2];
        var model = spec.ToModel();
        var options = Assert.IsType<MongoDB.Driver.CreateIndexOptions<BsonDocument>>(model.Options);

        Assert.Equal(spec.Name, options.Name);
        Assert.Null(options.Unique);
        Assert.NotNull(options.PartialFilterExpression);
        Assert.True(Assert.IsType<MongoDB.Driver.CreateIndexOptions<BsonDocument>>(MongoIndexes.Audit[0].ToModel().Options).Unique);
    }

    private static void AssertSpec(MongoIndexSpec spec, string name, BsonDocument keys, bool unique)
    {
        Assert.Equal(name, spec.Name);
        Assert.Equal(keys, spec.Keys);
        Assert.Equal(unique, spec.Unique);
    }
}
