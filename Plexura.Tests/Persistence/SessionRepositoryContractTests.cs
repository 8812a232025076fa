using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The session storage contract: every engine must pass exactly these tests.</summary>
public abstract class SessionRepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private ISessionRepository Sessions => fixture.Get<ISessionRepository>();

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [EngineFact]
    public async Task SessionAdd_ThenGet_ReturnsItWithVersionZero()
    {
        var session = await NewSessionAsync(UserId.New(), PracticeId.New());

        var loaded = await Sessions.GetAsync(session.Id, Ct);

        Assert.Equal(session, loaded);
        Assert.Equal(0, loaded!.Version);
    }

    [EngineFact]
    public async Task SessionAdd_WithoutPractice_IsStoredWithNoPractice()
    {
        var session = await NewSessionAsync(UserId.New(), practiceId: null);

        Assert.Null((await Sessions.GetAsync(session.Id, Ct))!.PracticeId);
    }

    [EngineFact]
    public async Task SessionAdd_SameIdTwice_ThrowsDuplicate()
    {
        var session = await NewSessionAsync(UserId.New());

        await Assert.ThrowsAsync<DuplicateRecordException>(() => Sessions.AddAsync(session, Ct));
    }

    [EngineFact]
    public async Task SessionGet_Unknown_ReturnsNull()
    {
        Assert.Null(await Sessions.GetAsync(SessionId.New(), Ct));
    }

    [EngineFact]
    public async Task ListActiveForUser_SkipsRevokedExpiredAndOtherUsersSessions()
    {
        var user = UserId.New();
        var active = await NewSessionAsync(user, PracticeId.New());
        var alsoActive = await NewSessionAsync(user);
        var revoked = await NewSessionAsync(user);
        await Sessions.RevokeAsync(revoked, SessionRevocationReason.SignedOut, Now, Ct);
        var expired = UserSession.Start(user, null, Now - ITokenService.Lifetime, "203.0.113.9", "Firefox");
        await Sessions.AddAsync(expired, Ct);
        await NewSessionAsync(UserId.New());

        var list = await Sessions.ListActiveForUserAsync(user, Now, Ct);

        Assert.Equal(new[] { active.Id.Value, alsoActive.Id.Value }.Order(), list.Select(s => s.Id.Value).Order());
    }

    [EngineFact]
    public async Task ListActiveForUser_AtTheExpiryInstant_LeavesTheSessionOut()
    {
        var user = UserId.New();
        var session = await NewSessionAsync(user);

        Assert.Single(await Sessions.ListActiveForUserAsync(user, session.ExpiresAt.AddTicks(-1), Ct));
        Assert.Empty(await Sessions.ListActiveForUserAsync(user, session.ExpiresAt, Ct));
    }

    [EngineFact]
    public async Task Revoke_CurrentVersion_StoresTimeAndReason()
    {
        var session = await NewSessionAsync(UserId.New());

        var revoked = await Sessions.RevokeAsync(session, SessionRevocationReason.SignedOut, Now, Ct);

        Assert.Equal(1, revoked.Version);
        Assert.Equal(Now, revoked.RevokedAt);
        Assert.Equal(SessionRevocationReason.SignedOut, revoked.RevokedReason);
        Assert.Equal(revoked, await Sessions.GetAsync(session.Id, Ct));
    }

    [EngineFact]
    public async Task Revoke_StaleVersion_ThrowsConflictAndKeepsWinner()
    {
        var session = await NewSessionAsync(UserId.New());
        var touched = await Sessions.UpdateAsync(session with { LastSeenAt = Now.AddMinutes(5) }, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Sessions.RevokeAsync(session, SessionRevocationReason.SignedOut, Now, Ct));

        Assert.Equal(touched, await Sessions.GetAsync(session.Id, Ct));
    }

    [EngineFact]
    public async Task Revoke_AlreadyRevoked_ReturnsItUnchanged()
    {
        var session = await NewSessionAsync(UserId.New());
        var revoked = await Sessions.RevokeAsync(session, SessionRevocationReason.SignedOut, Now, Ct);

        var again = await Sessions.RevokeAsync(revoked, SessionRevocationReason.PasswordReset, Now.AddMinutes(1), Ct);

        Assert.Equal(revoked, again);
        Assert.Equal(revoked, await Sessions.GetAsync(session.Id, Ct));
    }

    [EngineFact]
    public async Task Update_StaleVersion_ThrowsConflict()
    {
        var session = await NewSessionAsync(UserId.New());
        await Sessions.UpdateAsync(session with { LastSeenAt = Now.AddMinutes(1) }, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Sessions.UpdateAsync(session with { LastSeenAt = Now.AddMinutes(2) }, Ct));
    }

    [EngineFact]
    public async Task Update_Unknown_ThrowsNotFound()
    {
        var ghost = UserSession.Start(UserId.New(), null, Now, null, null);

        await Assert.ThrowsAsync<RecordNotFoundException>(() => Sessions.UpdateAsync(ghost, Ct));
    }

    [EngineFact]
    public async Task RevokeAllForUser_RevokesOnlyThatUsersActiveSessions_ReturnsCount()
    {
        var user = UserId.New();
        var first = await NewSessionAsync(user, PracticeId.New());
        var second = await NewSessionAsync(user, PracticeId.New());
        var third = await NewSessionAsync(user);
        var earlier = await Sessions.RevokeAsync(await NewSessionAsync(user), SessionRevocationReason.SignedOut, Now.AddMinutes(-1), Ct);
        var someoneElse = await NewSessionAsync(UserId.New());

        var count = await Sessions.RevokeAllForUserAsync(user, SessionRevocationReason.SignedOutEverywhere, Now, Ct);

        Assert.Equal(3, count);
        foreach (var id in new[] { first.Id, second.Id, third.Id })
        {
            var stored = (await Sessions.GetAsync(id, Ct))!;
            Assert.Equal(SessionRevocationReason.SignedOutEverywhere, stored.RevokedReason);
            Assert.Equal(Now, stored.RevokedAt);
        }

        Assert.Equal(earlier, await Sessions.GetAsync(earlier.Id, Ct));
        Assert.Equal(someoneElse, await Sessions.GetAsync(someoneElse.Id, Ct));
        Assert.Empty(await Sessions.ListActiveForUserAsync(user, Now, Ct));
    }

    [EngineFact]
    public async Task RevokeAllForUser_NoSessions_ReturnsZero()
    {
        Assert.Equal(0, await Sessions.RevokeAllForUserAsync(UserId.New(), SessionRevocationReason.PasswordReset, Now, Ct));
    }

    [EngineFact]
    public async Task RevokeAllForUser_WhileSessionsAreTouched_LeavesNoneActive()
    {
        var user = UserId.New();
        var sessions = new List<UserSession>();
        for (var i = 0; i < 4; i++)
        {
            sessions.Add(await NewSessionAsync(user));
        }

        var touches = sessions.Select(s => Task.Run(async () =>
        {
            for (var i = 1; i <= 5; i++)
            {
                try
                {
                    var current = (await Sessions.GetAsync(s.Id, Ct))!;
                    await Sessions.UpdateAsync(current with { LastSeenAt = Now.AddSeconds(i) }, Ct);
                }
                catch (ConcurrencyConflictException)
                {
                }
            }
        }));
        var revokeAll = Sessions.RevokeAllForUserAsync(user, SessionRevocationReason.RoleChanged, Now, Ct);
        await Task.WhenAll([.. touches, revokeAll]);

        Assert.Equal(4, await revokeAll);
        Assert.Empty(await Sessions.ListActiveForUserAsync(user, Now, Ct));
        foreach (var session in sessions)
        {
            Assert.Equal(SessionRevocationReason.RoleChanged, (await Sessions.GetAsync(session.Id, Ct))!.RevokedReason);
        }
    }

    [EngineFact]
    public async Task ConcurrentRevokes_OfOneSession_ExactlyOneWins()
    {
        var session = await NewSessionAsync(UserId.New());

        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Sessions.RevokeAsync(session, SessionRevocationReason.SignedOut, Now, Ct);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        }));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, won => won);
        Assert.Equal(1, (await Sessions.GetAsync(session.Id, Ct))!.Version);
    }

    private async Task<UserSession> NewSessionAsync(UserId userId, PracticeId? practiceId = null)
    {
        var session = UserSession.Start(userId, practiceId, Now, "203.0.113.7", "Mozilla/5.0");
        await Sessions.AddAsync(session, Ct);
        return session;
    }
}

public sealed class SqliteSessionRepositoryContractTests(SqliteStorageFixture fixture)
    : SessionRepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoSessionRepositoryContractTests(MongoStorageFixture fixture)
    : SessionRepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
