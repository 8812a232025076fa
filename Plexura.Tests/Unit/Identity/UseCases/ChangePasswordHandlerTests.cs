using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.ChangePassword;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Users;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Identity.UseCases;

/// <summary>Changing the password while signed in.</summary>
public sealed class ChangePasswordHandlerTests(SqliteStorageFixture fixture) : IdentityUseCaseTestBase(fixture)
{
    private const string NewPassword = "Copper-Lantern-58?";

    [Fact]
    public async Task ChangePassword_RightCurrentPassword_ChangesItKeepsThisSessionEndsOthersNotifiesAndAudits()
    {
        var (signUp, email, me) = await SignedInAsync();
        var other = Assert.IsType<SignInResult.Success>(await SignInAsync(email));

        var result = await Handler<ChangePasswordHandler>(me).HandleAsync(new ChangePasswordCommand(Password, NewPassword), Client, Ct);

        Assert.Equal(1, result.OtherSessionsRevoked);
        var sessions = Fixture.Get<ISessionRepository>();
        Assert.Null((await sessions.GetAsync(me.SessionId, Ct))!.RevokedAt);
        Assert.Equal(SessionRevocationReason.PasswordReset, (await sessions.GetAsync(other.SessionId, Ct))!.RevokedReason);
        Assert.Equal(Now, (await Fixture.Get<IUserRepository>().GetAsync(signUp.UserId, Ct))!.PasswordChangedAt);
        Assert.IsType<SignInResult.Failed>(await SignInAsync(email));
        Assert.IsType<SignInResult.Success>(await SignInAsync(email, NewPassword));
        var notice = Assert.Single(await EmailsAsync(email, "password-changed"));
        Assert.Contains("http://localhost:5080/", notice.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPassword, notice.TextBody + notice.HtmlBody, StringComparison.Ordinal);
        var changed = Assert.Single(await AuditAsync(signUp.PracticeId, AuditAction.PasswordChanged, signUp.UserId));
        Assert.Equal(AuditResult.Success, changed.Result);
        Assert.Equal("1", changed.Details["sessionsRevoked"]);
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPassword_RefusesCountsAndAudits()
    {
        var (signUp, email, me) = await SignedInAsync();

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => Handler<ChangePasswordHandler>(me).HandleAsync(
            new ChangePasswordCommand("Wrong-Password-99!", NewPassword), Client, Ct));

        Assert.DoesNotContain("Wrong-Password-99!", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await Fixture.Get<IUserRepository>().GetAsync(signUp.UserId, Ct))!.FailedSignIns);
        Assert.Equal("wrong-password", Assert.Single(await AuditAsync(signUp.PracticeId, AuditAction.PasswordChanged, signUp.UserId)).Details["reason"]);
        Assert.IsType<SignInResult.Success>(await SignInAsync(email));
    }

    [Fact]
    public async Task ChangePassword_FiveWrongCurrentPasswords_LocksAndAuditsTheLock()
    {
        var (signUp, email, me) = await SignedInAsync();
        for (var i = 0; i < LoginThrottle.FailuresBeforeLock; i++)
        {
            await Assert.ThrowsAsync<ValidationFailedException>(() => Handler<ChangePasswordHandler>(me).HandleAsync(
                new ChangePasswordCommand("Wrong-Password-99!", NewPassword), Client, Ct));
        }

        Assert.Single(await AuditAsync(signUp.PracticeId, AuditAction.AccountLocked, signUp.UserId));
        Assert.IsType<SignInResult.LockedOut>(await SignInAsync(email));
    }

    [Theory]
    [InlineData("short")]
    [InlineData("Dana-Reyes-2026!")]
    [InlineData(Password)]
    public async Task ChangePassword_RefusedNewPassword_KeepsTheOldOne(string newPassword)
    {
        var (_, email, me) = await SignedInAsync();

        await Assert.ThrowsAsync<ValidationFailedException>(() => Handler<ChangePasswordHandler>(me).HandleAsync(
            new ChangePasswordCommand(Password, newPassword), Client, Ct));

        Assert.IsType<SignInResult.Success>(await SignInAsync(email));
    }

    [Fact]
    public async Task ChangePassword_NotSignedIn_Throws()
    {
        await Assert.ThrowsAsync<NotSignedInException>(() => Handler<ChangePasswordHandler>().HandleAsync(
            new ChangePasswordCommand(Password, NewPassword), Client, Ct));
    }

    [Fact]
    public void ChangePasswordCommand_ToString_HidesBothPasswords()
    {
        var text = new ChangePasswordCommand(Password, NewPassword).ToString();

        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPassword, text, StringComparison.Ordinal);
    }
}
