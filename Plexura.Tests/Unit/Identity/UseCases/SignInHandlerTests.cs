using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Memberships;
using Plexura.Core.Users;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Identity.UseCases;

/// <summary>Sign-in: sessions, one answer for every wrong credential, and the lockout.</summary>
public sealed class SignInHandlerTests(SqliteStorageFixture fixture) : IdentityUseCaseTestBase(fixture)
{
    private IUserRepository Users => Fixture.Get<IUserRepository>();

    [Fact]
    public async Task SignIn_AccountLockedWhileThePasswordWasBeingChecked_AnswersLockedOutAndOpensNoSession()
    {
        var (signUp, email) = await SignUpAsync();

        // Parallel wrong guesses lock the account while this (right) password waits in the hashing queue.
        var hasher = new LockDuringVerifyHasher(Fixture.Get<IPasswordHasher>(), async () =>
        {
            var user = await Users.GetAsync(signUp.UserId, Ct);
            await Users.UpdateAsync(user! with { FailedSignIns = 5, LockedUntil = Now.AddMinutes(1) }, Ct);
        });

        var result = await Handler<SignInHandler>(hasher).HandleAsync(new SignInCommand(email, Password), Client, Ct);

        Assert.IsType<SignInResult.LockedOut>(result);
        Assert.Empty(await Fixture.Get<ISessionRepository>().ListActiveForUserAsync(signUp.UserId, Now, Ct));
        Assert.NotNull((await Users.GetAsync(signUp.UserId, Ct))!.LockedUntil);
    }

    [Fact]
    public async Task SignIn_RightPassword_IssuesATokenForAnActiveSessionInTheOnlyPractice()
    {
        var (signUp, email) = await SignUpAsync();

        var success = Assert.IsType<SignInResult.Success>(await SignInAsync(email.ToUpperInvariant()));

        var validated = await Fixture.Get<ITokenService>().ValidateAsync(success.Token.Value, Ct);
        Assert.True(validated.IsValid);
        Assert.Equal(signUp.UserId, validated.Claims!.Subject.UserId);
        Assert.Equal(success.SessionId, validated.Claims.Subject.SessionId);
        Assert.Equal(signUp.PracticeId, validated.Claims.Subject.PracticeId);
        Assert.Equal(signUp.PracticeId, success.EnteredPractice?.PracticeId);
        Assert.Single(success.Memberships);

        var session = await Fixture.Get<SessionValidator>().ValidateAsync(validated.Claims, Ct);
        Assert.True(session.IsValid);
        Assert.Equal(Now + TimeSpan.FromMinutes(120), session.Session!.ExpiresAt);
        Assert.Equal("203.0.113.7", session.Session.SourceIp);
        Assert.Equal("Firefox/140", session.Session.UserAgent);

        var signIns = await Fixture.Get<IAuditStore>().QueryAsync(signUp.PracticeId, new AuditQuery(Action: AuditAction.SignIn), Ct);
        Assert.Equal(signUp.UserId, Assert.Single(signIns).ActorUserId);
    }

    [Fact]
    public async Task SignIn_WrongPassword_FailsCountsAndAudits()
    {
        var (signUp, email) = await SignUpAsync();

        var result = Assert.IsType<SignInResult.Failed>(await SignInAsync(email, "Wrong-Password-99!"));

        Assert.Equal(SignInResult.FailedMessage, result.Message);
        Assert.Equal(1, (await Users.GetAsync(signUp.UserId, Ct))!.FailedSignIns);
        var failed = await Fixture.Get<IAuditStore>().QueryAsync(signUp.PracticeId, new AuditQuery(Action: AuditAction.SignInFailed), Ct);
        Assert.Equal("wrong-password", Assert.Single(failed).Details["reason"]);
    }

    [Fact]
    public async Task SignIn_UnknownEmail_FailsExactlyLikeAWrongPasswordAndAuditsWithoutTheEmail()
    {
        var (_, email) = await SignUpAsync();
        var unknown = NewEmail();

        var wrongPassword = await SignInAsync(email, "Wrong-Password-99!");
        var unknownEmail = await SignInAsync(unknown);

        Assert.Equal(wrongPassword, unknownEmail);
        Assert.IsType<SignInResult.Failed>(unknownEmail);
        var events = await Fixture.Get<IAuditStore>().QueryAsync(PracticeId.None, new AuditQuery(Action: AuditAction.SignInFailed), Ct);
        var latest = events[0];
        Assert.Equal("unknown-account", latest.Details["reason"]);
        Assert.Null(latest.ActorUserId);
        Assert.Null(latest.ActorEmail);
        Assert.DoesNotContain(events, e => e.Details.Values.Any(v => v.Contains(unknown, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LocksForOneMinuteWithoutCheckingThePassword()
    {
        var (signUp, email) = await SignUpAsync();
        for (var i = 0; i < LoginThrottle.FailuresBeforeLock; i++)
        {
            Assert.IsType<SignInResult.Failed>(await SignInAsync(email, "Wrong-Password-99!"));
        }

        var locked = Assert.IsType<SignInResult.LockedOut>(await SignInAsync(email));

        Assert.Equal(Now + LoginThrottle.FirstLock, locked.Until);
        Assert.Equal(LoginThrottle.FailuresBeforeLock, (await Users.GetAsync(signUp.UserId, Ct))!.FailedSignIns);
        var failed = await Fixture.Get<IAuditStore>().QueryAsync(signUp.PracticeId, new AuditQuery(Action: AuditAction.SignInFailed), Ct);
        Assert.Equal("locked", failed[0].Details["reason"]);
        Assert.Contains(failed, e => e.Details.TryGetValue("lockout", out var v) && v == "started");
        var lockEvent = Assert.Single(await Fixture.Get<IAuditStore>().QueryAsync(
            signUp.PracticeId, new AuditQuery(Action: AuditAction.AccountLocked, ActorUserId: signUp.UserId), Ct));
        Assert.Equal("wrong-password", lockEvent.Details["reason"]);

        Fixture.Time.Advance(LoginThrottle.FirstLock);
        Assert.IsType<SignInResult.Success>(await SignInAsync(email));
    }

    [Fact]
    public async Task SignIn_WrongPasswordAfterALockEnds_DoublesTheLock()
    {
        var (signUp, email) = await SignUpAsync();
        for (var i = 0; i < LoginThrottle.FailuresBeforeLock; i++)
        {
            await SignInAsync(email, "Wrong-Password-99!");
        }

        Fixture.Time.Advance(LoginThrottle.FirstLock);
        Assert.IsType<SignInResult.Failed>(await SignInAsync(email, "Wrong-Password-99!"));

        var user = await Users.GetAsync(signUp.UserId, Ct);
        Assert.Equal(Now + (LoginThrottle.FirstLock * 2), user!.LockedUntil);
        Assert.Equal(Now + (LoginThrottle.FirstLock * 2), Assert.IsType<SignInResult.LockedOut>(await SignInAsync(email)).Until);
    }

    [Fact]
    public async Task SignIn_Success_SetsLastSignInAt()
    {
        var (signUp, email) = await SignUpAsync();

        Assert.IsType<SignInResult.Success>(await SignInAsync(email));

        Assert.Equal(Now, (await Users.GetAsync(signUp.UserId, Ct))!.LastSignInAt);
    }

    [Fact]
    public async Task SignIn_Success_ResetsTheFailureCount()
    {
        var (signUp, email) = await SignUpAsync();
        await SignInAsync(email, "Wrong-Password-99!");
        await SignInAsync(email, "Wrong-Password-99!");

        Assert.IsType<SignInResult.Success>(await SignInAsync(email));

        var user = await Users.GetAsync(signUp.UserId, Ct);
        Assert.Equal(0, user!.FailedSignIns);
        Assert.Null(user.LockedUntil);
    }

    [Fact]
    public async Task SignIn_MemberOfTwoPractices_EntersNoneAndAuditsOnBothChains()
    {
        var (first, email) = await SignUpAsync();
        var (second, _) = await SignUpAsync();
        await Fixture.Get<IMembershipRepository>().AddAsync(
            second.PracticeId, new Membership(MembershipId.New(), second.PracticeId, first.UserId, PracticeRole.Clinician, Now), Ct);

        var success = Assert.IsType<SignInResult.Success>(await SignInAsync(email));

        Assert.Null(success.EnteredPractice);
        Assert.Equal(2, success.Memberships.Count);
        var claims = (await Fixture.Get<ITokenService>().ValidateAsync(success.Token.Value, Ct)).Claims!;
        Assert.Null(claims.Subject.PracticeId);
        Assert.Null(claims.Subject.Role);
        foreach (var practiceId in new[] { first.PracticeId, second.PracticeId })
        {
            var signIns = await Fixture.Get<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Action: AuditAction.SignIn, ActorUserId: first.UserId), Ct);
            Assert.Single(signIns);
        }
    }

    [Fact]
    public async Task SignIn_UserWithNoPracticeLeft_AuditsOnTheSystemChain()
    {
        var (signUp, email) = await SignUpAsync();
        var membership = await Fixture.Get<IMembershipRepository>().GetAsync(signUp.PracticeId, signUp.MembershipId, Ct);
        await Fixture.Get<IMembershipRepository>().DeleteAsync(signUp.PracticeId, signUp.MembershipId, membership!.Version, Ct);

        Assert.IsType<SignInResult.Failed>(await SignInAsync(email, "Wrong-Password-99!"));
        var success = Assert.IsType<SignInResult.Success>(await SignInAsync(email));

        Assert.Null(success.EnteredPractice);
        var store = Fixture.Get<IAuditStore>();
        Assert.Single(await store.QueryAsync(PracticeId.None, new AuditQuery(Action: AuditAction.SignInFailed, ActorUserId: signUp.UserId), Ct));
        Assert.Single(await store.QueryAsync(PracticeId.None, new AuditQuery(Action: AuditAction.SignIn, ActorUserId: signUp.UserId), Ct));
    }

    [Fact]
    public async Task SignIn_WrongPasswordsInParallel_CountsEveryFailure()
    {
        var (signUp, email) = await SignUpAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SignInAsync(email, "Wrong-Password-99!"))));

        Assert.Equal(4, (await Users.GetAsync(signUp.UserId, Ct))!.FailedSignIns);
    }

    [Fact]
    public async Task SignIn_HashBelowTheConfiguredWorkFactor_IsRehashed()
    {
        var (signUp, email) = await SignUpAsync();
        var user = await Users.GetAsync(signUp.UserId, Ct);
        await Users.UpdateAsync(user! with { PasswordHash = BCrypt.Net.BCrypt.HashPassword(Password, 4) }, Ct);

        Assert.IsType<SignInResult.Success>(await SignInAsync(email));

        var rehashed = (await Users.GetAsync(signUp.UserId, Ct))!.PasswordHash;
        Assert.StartsWith("$2a$10$", rehashed, StringComparison.Ordinal);
        Assert.IsType<SignInResult.Success>(await SignInAsync(email));
    }
}

/// <summary>A real hasher that runs <paramref name="duringVerify"/> while a password is being checked.</summary>
internal sealed class LockDuringVerifyHasher(IPasswordHasher inner, Func<Task> duringVerify) : IPasswordHasher
{
    public Task<string> HashAsync(string password, CancellationToken ct) => inner.HashAsync(password, ct);

    public async Task<PasswordVerification> VerifyAsync(string password, string hash, CancellationToken ct)
    {
        var result = await inner.VerifyAsync(password, hash, ct);
        await duringVerify();
        return result;
    }

    public Task DummyVerifyAsync(CancellationToken ct) => inner.DummyVerifyAsync(ct);
}
