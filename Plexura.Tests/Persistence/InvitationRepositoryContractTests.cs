using Plexura.Core.Common;
using Plexura.Core.Invitations;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The invitation storage contract: every engine must pass exactly these tests.</summary>
public abstract class InvitationRepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IInvitationRepository Invitations => fixture.Get<IInvitationRepository>();

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [EngineFact]
    public async Task InvitationAdd_ThenGetAndList_ReturnsItNormalizedWithVersionZero()
    {
        var practice = await NewPracticeAsync();
        var invitation = await NewInvitationAsync(practice, "  Sam.Lee@Example.COM ");

        var loaded = await Invitations.GetAsync(practice, invitation.Id, Ct);

        Assert.Equal(invitation with { Email = "sam.lee@example.com" }, loaded);
        Assert.Equal(0, loaded!.Version);
        Assert.Equal([loaded], await Invitations.ListAsync(practice, Ct));
    }

    [EngineFact]
    public async Task InvitationAdd_SameIdTwice_ThrowsDuplicate()
    {
        var practice = await NewPracticeAsync();
        var invitation = await NewInvitationAsync(practice);

        await Assert.ThrowsAsync<DuplicateRecordException>(() => Invitations.AddAsync(practice, invitation, Ct));
    }

    [EngineFact]
    public async Task InvitationGet_Unknown_ReturnsNull()
    {
        var practice = await NewPracticeAsync();

        Assert.Null(await Invitations.GetAsync(practice, InvitationId.New(), Ct));
    }

    [EngineFact]
    public async Task InvitationListForEmail_TwoAddresses_ReturnsOnlyThatAddressIgnoringCase()
    {
        var practice = await NewPracticeAsync();
        var first = await NewInvitationAsync(practice, "alex@example.com");
        var second = await NewInvitationAsync(practice, "alex@example.com", PracticeRole.Compliance);
        await NewInvitationAsync(practice, "other@example.com");

        var found = await Invitations.ListForEmailAsync(practice, " ALEX@example.com", Ct);

        Assert.Equal(new[] { first.Id.Value, second.Id.Value }.Order(), found.Select(i => i.Id.Value).Order());
    }

    [EngineFact]
    public async Task InvitationUpdate_CurrentThenStale_IncrementsThenConflicts()
    {
        var practice = await NewPracticeAsync();
        var invitation = await NewInvitationAsync(practice);

        var updated = await Invitations.UpdateAsync(practice, invitation with { RevokedAt = Now }, Ct);

        Assert.Equal(1, updated.Version);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Invitations.UpdateAsync(practice, invitation with { AcceptedAt = Now, AcceptedByUserId = UserId.New() }, Ct));
        var stored = await Invitations.GetAsync(practice, invitation.Id, Ct);
        Assert.Equal(Now, stored!.RevokedAt);
        Assert.Null(stored.AcceptedAt);
    }

    [EngineFact]
    public async Task InvitationFindByTokenHash_Known_ReturnsItFromAnyPractice()
    {
        var practice = await NewPracticeAsync();
        var invitation = await NewInvitationAsync(practice);

        var found = await Invitations.FindByTokenHashAsync(invitation.TokenHash, Ct);

        Assert.Equal(invitation.Id, found?.Id);
        Assert.Equal(practice, found!.PracticeId);
    }

    [EngineFact]
    public async Task InvitationFindByTokenHash_UnknownEmptyOrReplaced_ReturnsNull()
    {
        var practice = await NewPracticeAsync();
        var invitation = await NewInvitationAsync(practice);
        await Invitations.UpdateAsync(practice, invitation with { TokenHash = $"hash-{Guid.NewGuid():N}" }, Ct);

        Assert.Null(await Invitations.FindByTokenHashAsync(invitation.TokenHash, Ct));
        Assert.Null(await Invitations.FindByTokenHashAsync($"hash-{Guid.NewGuid():N}", Ct));
        Assert.Null(await Invitations.FindByTokenHashAsync(string.Empty, Ct));
    }

    [EngineFact]
    public async Task Invitation_EveryMethodFromAnotherPractice_IsNotFound()
    {
        var mine = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = await NewInvitationAsync(other, "theirs@example.com");

        Assert.Null(await Invitations.GetAsync(mine, theirs.Id, Ct));
        Assert.Empty(await Invitations.ListAsync(mine, Ct));
        Assert.Empty(await Invitations.ListForEmailAsync(mine, theirs.Email, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            Invitations.UpdateAsync(mine, theirs with { PracticeId = mine, RevokedAt = Now }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Invitations.UpdateAsync(mine, theirs with { RevokedAt = Now }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Invitations.AddAsync(mine, theirs with { Id = InvitationId.New() }, Ct));

        Assert.Equal(theirs, await Invitations.GetAsync(other, theirs.Id, Ct));
    }

    [EngineFact]
    public async Task InvitationUpdate_ConcurrentWriters_ExactlyOneWins()
    {
        var practice = await NewPracticeAsync();
        var invitation = await NewInvitationAsync(practice);

        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Invitations.UpdateAsync(practice, invitation with { AcceptedAt = Now, AcceptedByUserId = UserId.New() }, Ct);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        }));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, won => won);
        Assert.Equal(1, (await Invitations.GetAsync(practice, invitation.Id, Ct))!.Version);
    }

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = new Practice(PracticeId.New(), "Practice", Now);
        await fixture.Get<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        return practice.Id;
    }

    private async Task<Invitation> NewInvitationAsync(PracticeId practiceId, string? email = null, PracticeRole role = PracticeRole.Clinician)
    {
        var token = InvitationToken.Create(Now);
        var invitation = new Invitation(
            InvitationId.New(), practiceId, email ?? $"{Guid.NewGuid():N}@example.com", role, token.Hash, Now, token.ExpiresAt, UserId.New(), Now);
        await Invitations.AddAsync(practiceId, invitation, Ct);
        return invitation;
    }
}

public sealed class SqliteInvitationRepositoryContractTests(SqliteStorageFixture fixture)
    : InvitationRepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoInvitationRepositoryContractTests(MongoStorageFixture fixture)
    : InvitationRepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
