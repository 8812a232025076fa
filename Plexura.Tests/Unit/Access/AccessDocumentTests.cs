using Plexura.Core.Access;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Infrastructure.Persistence.Mongo;

namespace Plexura.Tests.Unit.Access;

/// <summary>How memberships with scopes and client grants are stored: older documents still read, grants round-trip.</summary>
public sealed class AccessDocumentTests
{
    [Fact]
    public void Membership_StoredBeforeScopesExisted_ReadsAsGrantedOnlyWithNoPermissions()
    {
        var json = $$"""
            {"id":"{{Guid.NewGuid()}}","practiceId":"{{Guid.NewGuid()}}","userId":"{{Guid.NewGuid()}}","role":"Clinician",
             "createdAt":"2026-01-01T00:00:00+00:00","version":4}
            """;

        var membership = DocumentJson.Deserialize<Membership>(json);

        Assert.Equal(ClientScope.GrantedOnly, membership.ClientScope);
        Assert.Equal(ClientPermissions.None, membership.AllClientsPermissions);
        Assert.Equal(4, membership.Version);
    }

    [Fact]
    public void Membership_WithAllClientsScope_RoundTrips()
    {
        var membership = new Membership(MembershipId.New(), PracticeId.New(), UserId.New(), PracticeRole.Clinician, DateTimeOffset.UnixEpoch, 2, ClientScope.AllClients, new ClientPermissions(true, false, true, false));

        Assert.Equal(membership, DocumentJson.Deserialize<Membership>(DocumentJson.Serialize(membership)));
    }

    [Fact]
    public void ClientGrant_RoundTripsOnBothShapesWithItsStoredKey()
    {
        var grant = new ClientGrant(ClientGrantId.New(), PracticeId.New(), MembershipId.New(), ClientId.New(), true, false, false, true, UserId.New(), DateTimeOffset.UnixEpoch, 3);

        var json = DocumentJson.Serialize(grant);
        var mapper = new MongoDocumentMapper<ClientGrant>(Collections.ClientGrants);
        var bson = mapper.ToBson(grant, grant.PracticeId.ToString());

        Assert.Contains($"\"memberClientKey\":\"{grant.MembershipId}:{grant.ClientId}\"", json, StringComparison.Ordinal);
        Assert.Equal(grant, DocumentJson.Deserialize<ClientGrant>(json));
        Assert.Equal(grant, mapper.FromBson(bson));
        Assert.Equal(ClientGrant.KeyOf(grant.MembershipId, grant.ClientId), bson[DocumentFields.Of(nameof(ClientGrant.MemberClientKey))].AsString);
    }
}
