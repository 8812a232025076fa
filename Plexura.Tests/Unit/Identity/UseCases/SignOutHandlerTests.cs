using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Identity.SignOut;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Identity.UseCases;

/// <summary>Sign-out ends the session at once; sign-out-everywhere ends all of them.</summary>
public sealed class SignOutHandlerTests(SqliteStorageFixture fixture) : IdentityUseCaseTestBase(fixture)
{
    [Fact]
    public async Task SignOut_CurrentSession_RevokesItSoTheTokenIsRefused()
    {
        var (signUp, email) = await SignUpAsync();
        var success = Assert.IsType<SignInResult.Success>(await SignInAsync(email));
        var claims = (await Fixture.Get<ITokenService>().ValidateAsync(success.Token.Value, Ct)).Claims!;
        var current = new FakeCurrentUser(signUp.UserId, success.SessionId, signUp.PracticeId);

        await Handler<SignOutHandler>(current).HandleAsync(new SignOutCommand(), Client, Ct);

        Assert.Equal(SessionFailure.Revoked, (await Fixture.Get<SessionValidator>().ValidateAsync(claims, Ct)).Failure);
        var signOuts = await Fixture.Get<IAuditStore>().QueryAsync(signUp.PracticeId, new AuditQuery(Action: AuditAction.SignOut), Ct);
        Assert.Equal(success.SessionId.ToString(), Assert.Single(signOuts).TargetId);
    }

    [Fact]
    public async Task SignOut_NobodySignedIn_Refuses()
    {
        await Assert.ThrowsAsync<NotSignedInException>(() => Handler<SignOutHandler>().HandleAsync(new SignOutCommand(), Client, Ct));
    }

    [Fact]
    public async Task SignOut_SessionOfAnotherUser_RefusesAndLeavesItActive()
    {
        var (victim, victimEmail) = await SignUpAsync();
        var (attacker, _) = await SignUpAsync();
        var victimSession = Assert.IsType<SignInResult.Success>(await SignInAsync(victimEmail));
        var claims = (await Fixture.Get<ITokenService>().ValidateAsync(victimSession.Token.Value, Ct)).Claims!;

        await Assert.ThrowsAsync<NotSignedInException>(() =>
            Handler<SignOutHandler>(new FakeCurrentUser(attacker.UserId, victimSession.SessionId, null)).HandleAsync(new SignOutCommand(), Client, Ct));

        Assert.True((await Fixture.Get<SessionValidator>().ValidateAsync(claims, Ct)).IsValid);
        Assert.NotEqual(victim.UserId, attacker.UserId);
    }

    [Fact]
    public async Task SignOutEverywhere_ThreeSessions_RevokesAllAndAuditsScopeAll()
    {
        var (signUp, email) = await SignUpAsync();
        var sessions = new List<SignInResult.Success>();
        for (var i = 0; i < 3; i++)
        {
            sessions.Add(Assert.IsType<SignInResult.Success>(await SignInAsync(email)));
        }

        var current = new FakeCurrentUser(signUp.UserId, sessions[0].SessionId, signUp.PracticeId);

        var revoked = await Handler<SignOutEverywhereHandler>(current).HandleAsync(new SignOutEverywhereCommand(), Client, Ct);

        Assert.Equal(3, revoked);
        Assert.Empty(await Fixture.Get<ISessionRepository>().ListActiveForUserAsync(signUp.UserId, Now, Ct));
        foreach (var s in sessions)
        {
            var claims = (await Fixture.Get<ITokenService>().ValidateAsync(s.Token.Value, Ct)).Claims!;
            Assert.False((await Fixture.Get<SessionValidator>().ValidateAsync(claims, Ct)).IsValid);
        }

        var signOuts = await Fixture.Get<IAuditStore>().QueryAsync(signUp.PracticeId, new AuditQuery(Action: AuditAction.SignOut), Ct);
        Assert.Equal("all", Assert.Single(signOuts).Details["scope"]);
        Assert.True((await Fixture.Get<AuditChainVerifier>().VerifyAsync(signUp.PracticeId, Ct)).IsValid);
    }
}
