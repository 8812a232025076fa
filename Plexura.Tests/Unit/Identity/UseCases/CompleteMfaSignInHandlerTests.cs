using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.CompleteMfaSignIn;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Security;
using Plexura.Core.Users;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Identity.UseCases;

/// <summary>Sign-in with a second factor: no session before the code, one challenge, no replays, the shared lockout.</summary>
public sealed class CompleteMfaSignInHandlerTests(SqliteStorageFixture fixture) : IdentityUseCaseTestBase(fixture)
{
    private IUserRepository Users => Fixture.Get<IUserRepository>();

    private Task<SignInResult> CompleteAsync(string challenge, string code) =>
        Handler<CompleteMfaSignInHandler>().HandleAsync(new CompleteMfaSignInCommand(challenge, code), Client, Ct);

    private async Task<(UserId UserId, PracticeId PracticeId, string Email, string Secret, IReadOnlyList<string> Codes)> EnrolledAsync()
    {
        var (signUp, email, me) = await SignedInAsync();
        var (secret, codes) = await EnrollMfaAsync(me);
        return (signUp.UserId, signUp.PracticeId, email, secret, codes);
    }

    private static string WrongCode(string right) => right == "000000" ? "111111" : "000000";

    [Fact]
    public async Task SignIn_RightPasswordWithMfa_ReturnsAChallengeAndNoSession()
    {
        var (userId, _, email, _, _) = await EnrolledAsync();
        var sessionsBefore = (await Fixture.Get<ISessionRepository>().ListActiveForUserAsync(userId, Now, Ct)).Count;

        var required = Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));

        Assert.StartsWith(userId + ".", required.Challenge, StringComparison.Ordinal);
        Assert.DoesNotContain(required.Challenge, required.ToString(), StringComparison.Ordinal);
        Assert.Equal(sessionsBefore, (await Fixture.Get<ISessionRepository>().ListActiveForUserAsync(userId, Now, Ct)).Count);
        var user = (await Users.GetAsync(userId, Ct))!;
        Assert.Equal(MfaChallenge.HashOf(required.Challenge), user.MfaChallengeHash);
        Assert.Equal(Now + MfaChallenge.Lifetime, user.MfaChallengeExpiresAt);
    }

    [Fact]
    public async Task CompleteMfaSignIn_RightTotpCode_OpensASessionAndAudits()
    {
        var (userId, practiceId, email, secret, _) = await EnrolledAsync();
        var required = Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));

        var success = Assert.IsType<SignInResult.Success>(await CompleteAsync(required.Challenge, TotpCode(secret)));

        var claims = (await Fixture.Get<ITokenService>().ValidateAsync(success.Token.Value, Ct)).Claims!;
        Assert.Equal(userId, claims.Subject.UserId);
        Assert.Equal(practiceId, claims.Subject.PracticeId);
        Assert.True((await Fixture.Get<SessionValidator>().ValidateAsync(claims, Ct)).IsValid);
        var user = (await Users.GetAsync(userId, Ct))!;
        Assert.Null(user.MfaChallengeHash);
        Assert.Equal(Now, user.LastSignInAt);
        var signIn = (await AuditAsync(practiceId, AuditAction.SignIn, userId))[0];
        Assert.Equal("totp", signIn.Details["factor"]);
        Assert.Equal(success.SessionId.ToString(), signIn.Details["session"]);
    }

    [Fact]
    public async Task CompleteMfaSignIn_ChallengeUsedTwice_SecondIsExpired()
    {
        var (_, _, email, secret, _) = await EnrolledAsync();
        var required = Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));
        Assert.IsType<SignInResult.Success>(await CompleteAsync(required.Challenge, TotpCode(secret)));
        Fixture.Time.Advance(TimeSpan.FromSeconds(30));

        var again = Assert.IsType<SignInResult.ChallengeExpired>(await CompleteAsync(required.Challenge, TotpCode(secret)));

        Assert.Equal(SignInResult.ChallengeExpiredMessage, again.Message);
    }

    [Fact]
    public async Task CompleteMfaSignIn_ReplayedTotpStep_IsRefused()
    {
        var (_, _, email, secret, _) = await EnrolledAsync();
        var first = Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));
        var code = TotpCode(secret);
        Assert.IsType<SignInResult.Success>(await CompleteAsync(first.Challenge, code));
        var second = Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));

        Assert.IsType<SignInResult.InvalidCode>(await CompleteAsync(second.Challenge, code));
    }

    [Fact]
    public async Task CompleteMfaSignIn_ExpiredChallenge_IsRefusedAndCleared()
    {
        var (userId, practiceId, email, secret, _) = await EnrolledAsync();
        var required = Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));
        Fixture.Time.Advance(MfaChallenge.Lifetime);

        Assert.IsType<SignInResult.ChallengeExpired>(await CompleteAsync(required.Challenge, TotpCode(secret)));

        Assert.Null((await Users.GetAsync(userId, Ct))!.MfaChallengeHash);
        Assert.Equal("mfa-challenge-expired", (await AuditAsync(practiceId, AuditAction.SignInFailed, userId))[0].Details["reason"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-challenge")]
    [InlineData("00000000-0000-0000-0000-000000000000.abc")]
    public async Task CompleteMfaSignIn_MalformedOrUnknownChallenge_IsExpiredNotAnError(string challenge)
    {
        Assert.IsType<SignInResult.ChallengeExpired>(await CompleteAsync(challenge, "123456"));
    }

    [Fact]
    public async Task CompleteMfaSignIn_ForgedChallengeForARealUser_IsRefused()
    {
        var (userId, _, email, secret, _) = await EnrolledAsync();
        Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));

        Assert.IsType<SignInResult.ChallengeExpired>(await CompleteAsync($"{userId}.forged", TotpCode(secret)));
    }

    [Fact]
    public async Task CompleteMfaSignIn_WrongCode_CountsAFailureKeepsTheChallengeAndAudits()
    {
        var (userId, practiceId, email, secret, _) = await EnrolledAsync();
        var required = Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));

        var result = Assert.IsType<SignInResult.InvalidCode>(await CompleteAsync(required.Challenge, WrongCode(TotpCode(secret))));

        Assert.Equal(SignInResult.InvalidCodeMessage, result.Message);
        Assert.Equal(1, (await Users.GetAsync(userId, Ct))!.FailedSignIns);
        Assert.Equal("mfa-code", (await AuditAsync(practiceId, AuditAction.SignInFailed, userId))[0].Details["reason"]);
        Assert.IsType<SignInResult.Success>(await CompleteAsync(required.Challenge, TotpCode(secret)));
        Assert.Equal(0, (await Users.GetAsync(userId, Ct))!.FailedSignIns);
    }

    [Fact]
    public async Task CompleteMfaSignIn_FiveWrongCodes_LocksTheAccountAndAuditsTheLock()
    {
        var (userId, practiceId, email, secret, _) = await EnrolledAsync();
        var required = Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));
        for (var i = 0; i < LoginThrottle.FailuresBeforeLock; i++)
        {
            Assert.IsType<SignInResult.InvalidCode>(await CompleteAsync(required.Challenge, WrongCode(TotpCode(secret))));
        }

        var locked = Assert.IsType<SignInResult.LockedOut>(await CompleteAsync(required.Challenge, TotpCode(secret)));

        Assert.Equal(Now + LoginThrottle.FirstLock, locked.Until);
        var lockEvent = Assert.Single(await AuditAsync(practiceId, AuditAction.AccountLocked, userId));
        Assert.Equal("mfa-code", lockEvent.Details["reason"]);
        Assert.IsType<SignInResult.LockedOut>(await SignInAsync(email));
    }

    [Fact]
    public async Task SignIn_RightPasswordWithMfa_DoesNotResetTheFailureCount()
    {
        var (userId, _, email, secret, _) = await EnrolledAsync();
        var first = Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));
        await CompleteAsync(first.Challenge, WrongCode(TotpCode(secret)));

        Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));

        Assert.Equal(1, (await Users.GetAsync(userId, Ct))!.FailedSignIns);
    }

    [Fact]
    public async Task CompleteMfaSignIn_RecoveryCode_SignsInOnceAndIsConsumed()
    {
        var (userId, practiceId, email, _, codes) = await EnrolledAsync();
        var first = Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));

        Assert.IsType<SignInResult.Success>(await CompleteAsync(first.Challenge, codes[3].ToLowerInvariant()));

        Assert.Equal(RecoveryCodes.Count - 1, (await Users.GetAsync(userId, Ct))!.RecoveryCodes!.Hashes.Count);
        Assert.Equal("recovery-code", (await AuditAsync(practiceId, AuditAction.SignIn, userId))[0].Details["factor"]);
        var second = Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));
        Assert.IsType<SignInResult.InvalidCode>(await CompleteAsync(second.Challenge, codes[3]));
    }

    [Fact]
    public async Task CompleteMfaSignIn_SameCodeInParallel_SucceedsOnce()
    {
        var (_, _, email, secret, _) = await EnrolledAsync();
        var required = Assert.IsType<SignInResult.MfaRequired>(await SignInAsync(email));
        var code = TotpCode(secret);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => CompleteAsync(required.Challenge, code))));

        Assert.Single(results.OfType<SignInResult.Success>());
    }

    [Fact]
    public void CompleteMfaSignInCommand_ToString_HidesChallengeAndCode()
    {
        var text = new CompleteMfaSignInCommand("challenge-value", "123456").ToString();

        Assert.DoesNotContain("challenge-value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("123456", text, StringComparison.Ordinal);
    }
}
