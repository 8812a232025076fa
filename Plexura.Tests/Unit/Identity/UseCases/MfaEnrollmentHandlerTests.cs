using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.BeginMfaEnrollment;
using Plexura.Core.Identity.ConfirmMfaEnrollment;
using Plexura.Core.Identity.DisableMfa;
using Plexura.Core.Identity.RegenerateRecoveryCodes;
using Plexura.Core.Security;
using Plexura.Core.Users;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Identity.UseCases;

/// <summary>Turning the second factor on and off, and replacing recovery codes.</summary>
public sealed class MfaEnrollmentHandlerTests(SqliteStorageFixture fixture) : IdentityUseCaseTestBase(fixture)
{
    private IUserRepository Users => Fixture.Get<IUserRepository>();

    [Fact]
    public async Task BeginMfaEnrollment_SignedIn_ReturnsASecretAndStoresNothing()
    {
        var (signUp, email, me) = await SignedInAsync();

        var enrollment = await Handler<BeginMfaEnrollmentHandler>(me).HandleAsync(new BeginMfaEnrollmentCommand(), Client, Ct);

        Assert.False(string.IsNullOrEmpty(enrollment.Secret));
        Assert.Contains(Uri.EscapeDataString(email), enrollment.OtpAuthUri, StringComparison.Ordinal);
        var user = await Users.GetAsync(signUp.UserId, Ct);
        Assert.Null(user!.TotpSecret);
        Assert.False(user.HasMfa);
    }

    [Fact]
    public async Task BeginMfaEnrollment_NotSignedIn_Throws()
    {
        await Assert.ThrowsAsync<NotSignedInException>(
            () => Handler<BeginMfaEnrollmentHandler>().HandleAsync(new BeginMfaEnrollmentCommand(), Client, Ct));
    }

    [Fact]
    public async Task ConfirmMfaEnrollment_RightCode_StoresSealedSecretHashedCodesAndAudits()
    {
        var (signUp, _, me) = await SignedInAsync();
        var enrollment = await Handler<BeginMfaEnrollmentHandler>(me).HandleAsync(new BeginMfaEnrollmentCommand(), Client, Ct);

        var result = await Handler<ConfirmMfaEnrollmentHandler>(me).HandleAsync(
            new ConfirmMfaEnrollmentCommand(enrollment.Secret, TotpCode(enrollment.Secret)), Client, Ct);

        Assert.Equal(RecoveryCodes.Count, result.RecoveryCodes.Count);
        var user = (await Users.GetAsync(signUp.UserId, Ct))!;
        Assert.True(user.HasMfa);
        Assert.Equal(Now, user.MfaEnabledAt);
        Assert.NotNull(user.TotpLastUsedStep);
        Assert.DoesNotContain(enrollment.Secret, user.TotpSecret!, StringComparison.Ordinal);
        Assert.Equal(enrollment.Secret, Fixture.Get<ISecretProtector>().Unprotect("totp", user.Id.ToString(), user.TotpSecret!));
        Assert.Equal(RecoveryCodes.Count, user.RecoveryCodes!.Hashes.Count);
        Assert.DoesNotContain(user.RecoveryCodes.Hashes, h => result.RecoveryCodes.Contains(h));
        Assert.True(RecoveryCodes.TryConsume(user.RecoveryCodes, result.RecoveryCodes[0], out _));
        var enrolled = Assert.Single(await AuditAsync(signUp.PracticeId, AuditAction.MfaEnrolled, signUp.UserId));
        Assert.Equal(AuditResult.Success, enrolled.Result);
        Assert.DoesNotContain(result.RecoveryCodes[0], result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfirmMfaEnrollment_WrongCode_RefusesAndStoresNothing()
    {
        var (signUp, _, me) = await SignedInAsync();
        var enrollment = await Handler<BeginMfaEnrollmentHandler>(me).HandleAsync(new BeginMfaEnrollmentCommand(), Client, Ct);
        var wrong = TotpCode(enrollment.Secret) == "000000" ? "111111" : "000000";

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => Handler<ConfirmMfaEnrollmentHandler>(me).HandleAsync(
            new ConfirmMfaEnrollmentCommand(enrollment.Secret, wrong), Client, Ct));

        Assert.Equal(ConfirmMfaEnrollmentHandler.WrongCodeMessage, error.Message);
        Assert.False((await Users.GetAsync(signUp.UserId, Ct))!.HasMfa);
    }

    [Fact]
    public async Task ConfirmMfaEnrollment_AlreadyEnrolled_Refuses()
    {
        var (_, _, me) = await SignedInAsync();
        await EnrollMfaAsync(me);

        await Assert.ThrowsAsync<ValidationFailedException>(
            () => Handler<BeginMfaEnrollmentHandler>(me).HandleAsync(new BeginMfaEnrollmentCommand(), Client, Ct));
        var other = Fixture.Get<ITotpService>().BeginEnrollment("x@example.com");
        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => Handler<ConfirmMfaEnrollmentHandler>(me).HandleAsync(
            new ConfirmMfaEnrollmentCommand(other.Secret, TotpCode(other.Secret)), Client, Ct));
        Assert.Equal(BeginMfaEnrollmentHandler.AlreadyEnrolledMessage, error.Message);
    }

    [Fact]
    public void ConfirmMfaEnrollmentCommand_ToString_HidesSecretAndCode()
    {
        var text = new ConfirmMfaEnrollmentCommand("JBSWY3DPEHPK3PXP", "123456").ToString();

        Assert.DoesNotContain("JBSWY3DPEHPK3PXP", text, StringComparison.Ordinal);
        Assert.DoesNotContain("123456", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisableMfa_RightPassword_ClearsEveryMfaFieldAndAudits()
    {
        var (signUp, _, me) = await SignedInAsync();
        await EnrollMfaAsync(me);

        await Handler<DisableMfaHandler>(me).HandleAsync(new DisableMfaCommand(Password), Client, Ct);

        var user = (await Users.GetAsync(signUp.UserId, Ct))!;
        Assert.False(user.HasMfa);
        Assert.Null(user.TotpSecret);
        Assert.Null(user.MfaEnabledAt);
        Assert.Null(user.TotpLastUsedStep);
        Assert.Null(user.RecoveryCodes);
        var removed = Assert.Single(await AuditAsync(signUp.PracticeId, AuditAction.MfaRemoved, signUp.UserId));
        Assert.Equal(AuditResult.Success, removed.Result);
    }

    [Fact]
    public async Task DisableMfa_WrongPassword_RefusesCountsAFailureAndKeepsMfa()
    {
        var (signUp, _, me) = await SignedInAsync();
        await EnrollMfaAsync(me);

        var error = await Assert.ThrowsAsync<ValidationFailedException>(
            () => Handler<DisableMfaHandler>(me).HandleAsync(new DisableMfaCommand("Wrong-Password-99!"), Client, Ct));

        Assert.DoesNotContain("Wrong-Password-99!", error.Message, StringComparison.Ordinal);
        var user = (await Users.GetAsync(signUp.UserId, Ct))!;
        Assert.True(user.HasMfa);
        Assert.Equal(1, user.FailedSignIns);
        var failed = Assert.Single(await AuditAsync(signUp.PracticeId, AuditAction.MfaRemoved, signUp.UserId));
        Assert.Equal(AuditResult.Failed, failed.Result);
        Assert.Equal("wrong-password", failed.Details["reason"]);
    }

    [Fact]
    public async Task DisableMfa_NotEnrolled_Refuses()
    {
        var (_, _, me) = await SignedInAsync();

        var error = await Assert.ThrowsAsync<ValidationFailedException>(
            () => Handler<DisableMfaHandler>(me).HandleAsync(new DisableMfaCommand(Password), Client, Ct));

        Assert.Equal(DisableMfaHandler.NotEnrolledMessage, error.Message);
    }

    [Fact]
    public async Task RegenerateRecoveryCodes_RightPassword_ReplacesTheSetAndAudits()
    {
        var (signUp, _, me) = await SignedInAsync();
        var (_, oldCodes) = await EnrollMfaAsync(me);

        var result = await Handler<RegenerateRecoveryCodesHandler>(me).HandleAsync(new RegenerateRecoveryCodesCommand(Password), Client, Ct);

        Assert.Equal(RecoveryCodes.Count, result.RecoveryCodes.Count);
        var stored = (await Users.GetAsync(signUp.UserId, Ct))!.RecoveryCodes!;
        Assert.False(RecoveryCodes.TryConsume(stored, oldCodes[0], out _));
        Assert.True(RecoveryCodes.TryConsume(stored, result.RecoveryCodes[0], out _));
        var replaced = Assert.Single(await AuditAsync(signUp.PracticeId, AuditAction.MfaRemoved, signUp.UserId));
        Assert.Equal("recovery-codes-replaced", replaced.Details["change"]);
    }

    [Fact]
    public async Task RegenerateRecoveryCodes_WrongPassword_RefusesAndKeepsTheOldCodes()
    {
        var (signUp, _, me) = await SignedInAsync();
        var (_, oldCodes) = await EnrollMfaAsync(me);

        await Assert.ThrowsAsync<ValidationFailedException>(() => Handler<RegenerateRecoveryCodesHandler>(me).HandleAsync(
            new RegenerateRecoveryCodesCommand("Wrong-Password-99!"), Client, Ct));

        var stored = (await Users.GetAsync(signUp.UserId, Ct))!.RecoveryCodes!;
        Assert.True(RecoveryCodes.TryConsume(stored, oldCodes[0], out _));
    }

    [Fact]
    public async Task RegenerateRecoveryCodes_NotEnrolled_Refuses()
    {
        var (_, _, me) = await SignedInAsync();

        await Assert.ThrowsAsync<ValidationFailedException>(() => Handler<RegenerateRecoveryCodesHandler>(me).HandleAsync(
            new RegenerateRecoveryCodesCommand(Password), Client, Ct));
    }

    [Fact]
    public async Task DisableMfa_RevokedSession_ThrowsNotSignedIn()
    {
        var (signUp, _, me) = await SignedInAsync();
        await EnrollMfaAsync(me);
        await Fixture.Get<ISessionRepository>().RevokeAllForUserAsync(signUp.UserId, SessionRevocationReason.Administrative, Now, Ct);

        await Assert.ThrowsAsync<NotSignedInException>(
            () => Handler<DisableMfaHandler>(me).HandleAsync(new DisableMfaCommand(Password), Client, Ct));
        Assert.True((await Users.GetAsync(signUp.UserId, Ct))!.HasMfa);
    }
}
