using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Core.Users;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>
/// The storage contract: every engine must pass exactly these tests. Each read and write is also tried from
/// another practice, where the record must be "not found".
/// </summary>
public abstract class RepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IPracticeRepository Practices => fixture.Get<IPracticeRepository>();

    private IUserRepository Users => fixture.Get<IUserRepository>();

    private IMembershipRepository Memberships => fixture.Get<IMembershipRepository>();

    private IPracticeKeyRepository Keys => fixture.Get<IPracticeKeyRepository>();

    [EngineFact]
    public async Task PracticeAdd_ThenGet_ReturnsItWithVersionZero()
    {
        var practice = await NewPracticeAsync("Riverbend Counseling");

        var loaded = await Practices.GetAsync(practice.Id, Ct);

        Assert.Equal(practice, loaded);
        Assert.Equal(0, loaded!.Version);
    }

    [EngineFact]
    public async Task PracticeUpdate_PolicySettings_RoundTrip()
    {
        var practice = await NewPracticeAsync();
        var designated = UserId.New();
        var hours = new WorkingHours([DayOfWeek.Saturday, DayOfWeek.Monday], new TimeOnly(7, 30), new TimeOnly(19, 15));
        await Practices.UpdateAsync(
            practice.Id,
            practice with
            {
                WorkingHours = hours,
                EmergencyAccessMembers = [designated],
                EmergencyAccessMinutes = 90,
                DefaultTemplateKey = "soap",
                AdminsManageSettings = true,
            },
            Ct);

        var stored = await Practices.GetAsync(practice.Id, Ct);

        Assert.NotNull(stored);
        Assert.Equal([DayOfWeek.Saturday, DayOfWeek.Monday], stored.WorkingHours!.Days);
        Assert.Equal((hours.Opens, hours.Closes), (stored.WorkingHours.Opens, stored.WorkingHours.Closes));
        Assert.True(stored.IsEmergencyAccessMember(designated));
        Assert.False(stored.IsEmergencyAccessMember(UserId.New()));
        Assert.Equal((90, "soap", true), (stored.EmergencyAccessMinutes, stored.DefaultTemplateKey, stored.AdminsManageSettings));
    }

    [EngineFact]
    public async Task PracticeAdd_SameIdTwice_ThrowsDuplicate()
    {
        var practice = await NewPracticeAsync();

        await Assert.ThrowsAsync<DuplicateRecordException>(() => Practices.AddAsync(practice.Id, practice, Ct));
    }

    [EngineFact]
    public async Task PracticeGet_Unknown_ReturnsNull()
    {
        Assert.Null(await Practices.GetAsync(PracticeId.New(), Ct));
    }

    [EngineFact]
    public async Task PracticeUpdate_CurrentVersion_IncrementsVersion()
    {
        var practice = await NewPracticeAsync();

        var updated = await Practices.UpdateAsync(practice.Id, practice with { Name = "Renamed" }, Ct);

        Assert.Equal(1, updated.Version);
        Assert.Equal(updated, await Practices.GetAsync(practice.Id, Ct));
    }

    [EngineFact]
    public async Task PracticeUpdate_StaleVersion_ThrowsConflictAndKeepsWinner()
    {
        var practice = await NewPracticeAsync();
        await Practices.UpdateAsync(practice.Id, practice with { Name = "First" }, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Practices.UpdateAsync(practice.Id, practice with { Name = "Second" }, Ct));

        Assert.Equal("First", (await Practices.GetAsync(practice.Id, Ct))!.Name);
    }

    [EngineFact]
    public async Task PracticeUpdate_OfAnotherPractice_IsRefused()
    {
        var mine = await NewPracticeAsync();
        var theirs = await NewPracticeAsync("Theirs");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Practices.UpdateAsync(mine.Id, theirs with { Name = "Hijacked" }, Ct));

        Assert.Equal("Theirs", (await Practices.GetAsync(theirs.Id, Ct))!.Name);
    }

    [EngineFact]
    public async Task UserAdd_ThenFindByEmail_IgnoresCaseAndSpaces()
    {
        var user = await NewUserAsync("Dana.Reyes@Example.com");

        var found = await Users.FindByEmailAsync("  dana.reyes@example.COM ", Ct);

        Assert.Equal(user.Id, found!.Id);
        Assert.Equal("dana.reyes@example.com", found.Email);
        Assert.Equal(found, await Users.GetAsync(user.Id, Ct));
    }

    [EngineFact]
    public async Task UserAdd_EmailTakenInOtherCase_ThrowsDuplicateNamingTheKey()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        await NewUserAsync(email);

        var ex = await Assert.ThrowsAsync<DuplicateRecordException>(() => NewUserAsync(email.ToUpperInvariant()));

        Assert.Equal("email", ex.Key);
        Assert.DoesNotContain(email, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [EngineFact]
    public async Task UserUpdate_ToAnEmailThatIsTaken_ThrowsDuplicate()
    {
        var first = await NewUserAsync();
        var second = await NewUserAsync();

        await Assert.ThrowsAsync<DuplicateRecordException>(() => Users.UpdateAsync(second with { Email = first.Email }, Ct));
    }

    [EngineFact]
    public async Task UserUpdate_StaleVersion_ThrowsConflict()
    {
        var user = await NewUserAsync();
        await Users.UpdateAsync(user with { DisplayName = "One" }, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Users.UpdateAsync(user with { DisplayName = "Two" }, Ct));
    }

    [EngineFact]
    public async Task UserUpdate_Unknown_ThrowsNotFound()
    {
        var ghost = new User(UserId.New(), $"{Guid.NewGuid():N}@example.com", "Ghost", "hash", fixture.Time.GetUtcNow());

        await Assert.ThrowsAsync<RecordNotFoundException>(() => Users.UpdateAsync(ghost, Ct));
    }

    [EngineFact]
    public async Task MembershipAdd_ThenReadByIdUserAndList_FindsIt()
    {
        var practice = await NewPracticeAsync();
        var membership = await NewMembershipAsync(practice.Id);

        Assert.Equal(membership, await Memberships.GetAsync(practice.Id, membership.Id, Ct));
        Assert.Equal(membership, await Memberships.FindByUserAsync(practice.Id, membership.UserId, Ct));
        Assert.Equal([membership], await Memberships.ListAsync(practice.Id, Ct));
    }

    [EngineFact]
    public async Task MembershipAdd_SameUserTwiceInOnePractice_ThrowsDuplicate()
    {
        var practice = await NewPracticeAsync();
        var membership = await NewMembershipAsync(practice.Id);

        await Assert.ThrowsAsync<DuplicateRecordException>(() =>
            Memberships.AddAsync(practice.Id, membership with { Id = MembershipId.New() }, Ct));
    }

    [EngineFact]
    public async Task MembershipListForUser_MemberOfTwoPractices_ReturnsBoth()
    {
        var user = await NewUserAsync();
        var first = await NewMembershipAsync((await NewPracticeAsync()).Id, user.Id);
        var second = await NewMembershipAsync((await NewPracticeAsync()).Id, user.Id, PracticeRole.Compliance);

        var mine = await Memberships.ListForUserAsync(user.Id, Ct);

        Assert.Equal(new[] { first.Id.Value, second.Id.Value }.Order(), mine.Select(m => m.Id.Value).Order());
    }

    [EngineFact]
    public async Task MembershipUpdate_CurrentThenStale_IncrementsThenConflicts()
    {
        var practice = await NewPracticeAsync();
        var membership = await NewMembershipAsync(practice.Id);

        var updated = await Memberships.UpdateAsync(practice.Id, membership with { Role = PracticeRole.Admin }, Ct);

        Assert.Equal(1, updated.Version);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Memberships.UpdateAsync(practice.Id, membership with { Role = PracticeRole.Owner }, Ct));
        Assert.Equal(PracticeRole.Admin, (await Memberships.GetAsync(practice.Id, membership.Id, Ct))!.Role);
    }

    [EngineFact]
    public async Task MembershipDelete_StaleThenCurrent_ConflictsThenRemoves()
    {
        var practice = await NewPracticeAsync();
        var membership = await NewMembershipAsync(practice.Id);
        await Memberships.UpdateAsync(practice.Id, membership with { Role = PracticeRole.Admin }, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Memberships.DeleteAsync(practice.Id, membership.Id, 0, Ct));
        await Memberships.DeleteAsync(practice.Id, membership.Id, 1, Ct);

        Assert.Null(await Memberships.GetAsync(practice.Id, membership.Id, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => Memberships.DeleteAsync(practice.Id, membership.Id, 1, Ct));
    }

    [EngineFact]
    public async Task Membership_EveryMethodFromAnotherPractice_IsNotFound()
    {
        var mine = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = await NewMembershipAsync(other.Id);

        Assert.Null(await Memberships.GetAsync(mine.Id, theirs.Id, Ct));
        Assert.Null(await Memberships.FindByUserAsync(mine.Id, theirs.UserId, Ct));
        Assert.Empty(await Memberships.ListAsync(mine.Id, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            Memberships.UpdateAsync(mine.Id, theirs with { PracticeId = mine.Id, Role = PracticeRole.Owner }, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => Memberships.DeleteAsync(mine.Id, theirs.Id, theirs.Version, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Memberships.UpdateAsync(mine.Id, theirs with { Role = PracticeRole.Owner }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Memberships.AddAsync(mine.Id, theirs with { Id = MembershipId.New(), UserId = UserId.New() }, Ct));

        Assert.Equal(theirs, await Memberships.GetAsync(other.Id, theirs.Id, Ct));
    }

    [EngineFact]
    public async Task Practice_ReadFromAnotherPracticeScope_IsNotFound()
    {
        var theirs = await NewPracticeAsync();

        var mine = PracticeId.New();

        Assert.Null(await Practices.GetAsync(mine, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => Practices.UpdateAsync(mine, theirs with { Id = mine }, Ct));
        Assert.Equal(theirs, await Practices.GetAsync(theirs.Id, Ct));
    }

    [EngineFact]
    public async Task PracticeKey_EveryMethodFromAnotherPractice_IsNotFound()
    {
        var mine = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var key = new PracticeDataKey(other.Id.ToString(), other.Id, "m1", "d3JhcHBlZA==", fixture.Time.GetUtcNow());
        await Keys.AddAsync(other.Id, key, Ct);

        Assert.Null(await Keys.GetAsync(mine.Id, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Keys.UpdateAsync(mine.Id, key with { WrappedKey = string.Empty }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Keys.AddAsync(mine.Id, key, Ct));

        Assert.Equal(key, await Keys.GetAsync(other.Id, Ct));
    }

    [EngineFact]
    public async Task PracticeKey_AddSecondForSamePractice_ThrowsDuplicate()
    {
        var practice = await NewPracticeAsync();
        var key = new PracticeDataKey(practice.Id.ToString(), practice.Id, "m1", "d3JhcHBlZA==", fixture.Time.GetUtcNow());
        await Keys.AddAsync(practice.Id, key, Ct);

        await Assert.ThrowsAsync<DuplicateRecordException>(() => Keys.AddAsync(practice.Id, key, Ct));
    }

    [EngineFact]
    public async Task ConcurrentUpdates_OfOneRecord_ExactlyOneWins()
    {
        var practice = await NewPracticeAsync();

        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await Practices.UpdateAsync(practice.Id, practice with { Name = $"Writer {i}" }, Ct);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        }));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, won => won);
        Assert.Equal(1, (await Practices.GetAsync(practice.Id, Ct))!.Version);
    }

    [EngineFact]
    public async Task UserFindByEmailVerificationTokenHash_Pending_ReturnsTheUser()
    {
        var user = await NewUserAsync();
        var hash = $"hash-{Guid.NewGuid():N}";
        await Users.UpdateAsync(user with { EmailVerificationTokenHash = hash, EmailVerificationExpiresAt = fixture.Time.GetUtcNow().AddHours(24) }, Ct);

        var found = await Users.FindByEmailVerificationTokenHashAsync(hash, Ct);

        Assert.Equal(user.Id, found?.Id);
        Assert.Equal(hash, found!.EmailVerificationTokenHash);
    }

    [EngineFact]
    public async Task UserFindByEmailVerificationTokenHash_UnknownOrEmpty_ReturnsNull()
    {
        await NewUserAsync();

        Assert.Null(await Users.FindByEmailVerificationTokenHashAsync($"hash-{Guid.NewGuid():N}", Ct));
        Assert.Null(await Users.FindByEmailVerificationTokenHashAsync(string.Empty, Ct));
    }

    [EngineFact]
    public async Task UserFindByPasswordResetTokenHash_Pending_ReturnsTheUser()
    {
        await NewUserAsync();
        var user = await NewUserAsync();
        var hash = $"reset-{Guid.NewGuid():N}";
        await Users.UpdateAsync(user with { PasswordResetTokenHash = hash, PasswordResetExpiresAt = fixture.Time.GetUtcNow().AddMinutes(30) }, Ct);

        var found = await Users.FindByPasswordResetTokenHashAsync(hash, Ct);

        Assert.Equal(user.Id, found?.Id);
        Assert.Equal(hash, found!.PasswordResetTokenHash);
        Assert.Equal(fixture.Time.GetUtcNow().AddMinutes(30), found.PasswordResetExpiresAt);
    }

    [EngineFact]
    public async Task UserFindByPasswordResetTokenHash_UnknownOrEmpty_ReturnsNull()
    {
        await NewUserAsync();

        Assert.Null(await Users.FindByPasswordResetTokenHashAsync($"reset-{Guid.NewGuid():N}", Ct));
        Assert.Null(await Users.FindByPasswordResetTokenHashAsync(string.Empty, Ct));
    }

    [EngineFact]
    public async Task UserFindByPasswordResetTokenHash_AfterTheTokenIsCleared_ReturnsNull()
    {
        var user = await NewUserAsync();
        var hash = $"reset-{Guid.NewGuid():N}";
        var pending = await Users.UpdateAsync(user with { PasswordResetTokenHash = hash, PasswordResetExpiresAt = fixture.Time.GetUtcNow().AddMinutes(30) }, Ct);

        await Users.UpdateAsync(pending with { PasswordResetTokenHash = null, PasswordResetExpiresAt = null }, Ct);

        Assert.Null(await Users.FindByPasswordResetTokenHashAsync(hash, Ct));
    }

    [EngineFact]
    public async Task UserMfaAndSignInFields_RoundTrip()
    {
        var user = await NewUserAsync();
        var now = fixture.Time.GetUtcNow();
        var codes = new Plexura.Core.Security.RecoveryCodeSet("c2FsdA==", ["aGFzaDE=", "aGFzaDI="]);

        await Users.UpdateAsync(
            user with
            {
                TotpSecret = "sec1.k.abc",
                MfaEnabledAt = now,
                TotpLastUsedStep = 123,
                RecoveryCodes = codes,
                PasswordChangedAt = now,
                LastSignInAt = now,
                MfaChallengeHash = "challenge-hash",
                MfaChallengeExpiresAt = now.AddMinutes(5),
            },
            Ct);

        var found = (await Users.GetAsync(user.Id, Ct))!;
        Assert.Equal("sec1.k.abc", found.TotpSecret);
        Assert.Equal(123, found.TotpLastUsedStep);
        Assert.Equal(codes.Hashes, found.RecoveryCodes!.Hashes);
        Assert.Equal(now, found.LastSignInAt);
        Assert.Equal("challenge-hash", found.MfaChallengeHash);
        Assert.Equal(now.AddMinutes(5), found.MfaChallengeExpiresAt);
    }

    [EngineFact]
    public async Task UserDelete_CurrentVersion_RemovesItAndFreesTheEmail()
    {
        var user = await NewUserAsync();

        await Users.DeleteAsync(user.Id, user.Version, Ct);

        Assert.Null(await Users.GetAsync(user.Id, Ct));
        await NewUserAsync(user.Email);
    }

    [EngineFact]
    public async Task UserDelete_StaleVersion_ThrowsConflictAndKeepsIt()
    {
        var user = await NewUserAsync();
        await Users.UpdateAsync(user with { DisplayName = "Changed" }, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Users.DeleteAsync(user.Id, user.Version, Ct));
        Assert.NotNull(await Users.GetAsync(user.Id, Ct));
    }

    private async Task<Practice> NewPracticeAsync(string name = "Practice")
    {
        var practice = new Practice(PracticeId.New(), name, fixture.Time.GetUtcNow());
        await Practices.AddAsync(practice.Id, practice, Ct);
        return practice;
    }

    private async Task<User> NewUserAsync(string? email = null)
    {
        var user = new User(UserId.New(), email ?? $"{Guid.NewGuid():N}@example.com", "Dana Reyes", "$2a$12$hash", fixture.Time.GetUtcNow());
        await Users.AddAsync(user, Ct);
        return user with { Email = User.NormalizeEmail(user.Email) };
    }

    private async Task<Membership> NewMembershipAsync(PracticeId practiceId, UserId? userId = null, PracticeRole role = PracticeRole.Clinician)
    {
        var membership = new Membership(MembershipId.New(), practiceId, userId ?? (await NewUserAsync()).Id, role, fixture.Time.GetUtcNow());
        await Memberships.AddAsync(practiceId, membership, Ct);
        return membership;
    }
}

public sealed class SqliteRepositoryContractTests(SqliteStorageFixture fixture)
    : RepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoRepositoryContractTests(MongoStorageFixture fixture)
    : RepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
