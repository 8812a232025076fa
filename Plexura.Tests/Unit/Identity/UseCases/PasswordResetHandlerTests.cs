using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Identity.CompletePasswordReset;
using Plexura.Core.Identity.RequestPasswordReset;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Users;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Identity.UseCases;

/// <summary>Password reset by emailed link: no enumeration, single use, expiry, and every session ended.</summary>
public sealed class PasswordResetHandlerTests(SqliteStorageFixture fixture) : IdentityUseCaseTestBase(fixture)
{
    private const string NewPassword = "Copper-Lantern-58?";
    private const string ResetMarker = "/account/reset-password?token=";

    private IUserRepository Users => Fixture.Get<IUserRepository>();

    private Task RequestAsync(string email) =>
        Handler<RequestPasswordResetHandler>().HandleAsync(new RequestPasswordResetCommand(email), Client, Ct);

    private Task CompleteAsync(string token, string password = NewPassword) =>
        Handler<CompletePasswordResetHandler>().HandleAsync(new CompletePasswordResetCommand(token, password), Client, Ct);

    private async Task<string> ResetTokenAsync(string email) => LinkToken((await EmailsAsync(email, "password-reset"))[0], ResetMarker);

    [Fact]
    public async Task RequestPasswordReset_KnownEmail_StoresAHashedTokenAndEmailsALink()
    {
        var (signUp, email) = await SignUpAsync();

        await RequestAsync(email.ToUpperInvariant());

        var message = Assert.Single(await EmailsAsync(email, "password-reset"));
        Assert.Contains("http://localhost:5080" + ResetMarker, message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, message.TextBody, StringComparison.Ordinal);
        var token = LinkToken(message, ResetMarker);
        var user = (await Users.GetAsync(signUp.UserId, Ct))!;
        Assert.Equal(PasswordResetToken.HashOf(token), user.PasswordResetTokenHash);
        Assert.NotEqual(token, user.PasswordResetTokenHash);
        Assert.Equal(Now + TimeSpan.FromMinutes(30), user.PasswordResetExpiresAt);
        var requested = Assert.Single(await AuditAsync(signUp.PracticeId, AuditAction.PasswordReset, signUp.UserId));
        Assert.Equal("requested", requested.Details["step"]);
    }

    [Fact]
    public async Task RequestPasswordReset_KnownOrUnknownEmail_WritesOneOutboxRecordEachAndNeverTheUnknownAddress()
    {
        var (_, email) = await SignUpAsync();
        var unknown = NewEmail();
        var outbox = Fixture.Get<IOutboxRepository>();
        var before = (await outbox.ListNewestAsync(1000, Ct)).Select(m => m.Id).ToHashSet();

        await RequestAsync(email);
        var afterKnown = (await outbox.ListNewestAsync(1000, Ct)).Where(m => !before.Contains(m.Id)).ToList();
        await RequestAsync(unknown);
        var afterUnknown = (await outbox.ListNewestAsync(1000, Ct)).Where(m => !before.Contains(m.Id) && !afterKnown.Contains(m)).ToList();

        var queued = Assert.Single(afterKnown);
        Assert.Equal((OutboxStatus.Pending, email), (queued.Status, queued.To));
        var standIn = Assert.Single(afterUnknown);
        Assert.Equal((OutboxStatus.Suppressed, RequestPasswordResetHandler.EmailKind), (standIn.Status, standIn.Kind));
        Assert.Equal(string.Empty, standIn.To + standIn.Subject + standIn.TextBody + standIn.HtmlBody);
    }

    [Fact]
    public async Task RequestPasswordReset_UnknownEmail_CompletesTheSameWaySendsNothingAndAuditsWithoutTheEmail()
    {
        var unknown = NewEmail();

        await RequestAsync(unknown);
        await RequestAsync("not an email");

        Assert.Empty(await EmailsAsync(unknown, "password-reset"));
        var events = await AuditAsync(PracticeId.None, AuditAction.PasswordReset);
        Assert.Equal("unknown-account", events[0].Details["reason"]);
        Assert.Null(events[0].ActorUserId);
        Assert.DoesNotContain(events, e => e.Details.Values.Any(v => v.Contains(unknown, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task CompletePasswordReset_ValidToken_SetsPasswordRevokesSessionsUnlocksNotifiesAndAudits()
    {
        var (signUp, email) = await SignUpAsync();
        var session = Assert.IsType<SignInResult.Success>(await SignInAsync(email));
        for (var i = 0; i < LoginThrottle.FailuresBeforeLock; i++)
        {
            await SignInAsync(email, "Wrong-Password-99!");
        }

        await RequestAsync(email);
        await CompleteAsync(await ResetTokenAsync(email));

        var user = (await Users.GetAsync(signUp.UserId, Ct))!;
        Assert.Null(user.PasswordResetTokenHash);
        Assert.Null(user.LockedUntil);
        Assert.Equal(0, user.FailedSignIns);
        Assert.Equal(Now, user.PasswordChangedAt);
        var stored = await Fixture.Get<ISessionRepository>().GetAsync(session.SessionId, Ct);
        Assert.Equal(SessionRevocationReason.PasswordReset, stored!.RevokedReason);
        Assert.IsType<SignInResult.Failed>(await SignInAsync(email));
        Assert.IsType<SignInResult.Success>(await SignInAsync(email, NewPassword));
        var notice = Assert.Single(await EmailsAsync(email, "password-changed"));
        Assert.Contains("http://localhost:5080/", notice.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPassword, notice.TextBody + notice.HtmlBody, StringComparison.Ordinal);
        var completed = (await AuditAsync(signUp.PracticeId, AuditAction.PasswordReset, signUp.UserId))[0];
        Assert.Equal("completed", completed.Details["step"]);
        Assert.Equal(AuditResult.Success, completed.Result);
        Assert.Equal("1", completed.Details["sessionsRevoked"]);
    }

    [Fact]
    public async Task CompletePasswordReset_TokenUsedTwice_SecondIsRefused()
    {
        var (_, email) = await SignUpAsync();
        await RequestAsync(email);
        var token = await ResetTokenAsync(email);
        await CompleteAsync(token);

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => CompleteAsync(token, "Another-Secret-41#"));

        Assert.Equal(CompletePasswordResetHandler.InvalidMessage, error.Message);
        Assert.IsType<SignInResult.Success>(await SignInAsync(email, NewPassword));
    }

    [Fact]
    public async Task CompletePasswordReset_ExpiredToken_IsRefusedAndThePasswordStays()
    {
        var (_, email) = await SignUpAsync();
        await RequestAsync(email);
        var token = await ResetTokenAsync(email);
        Fixture.Time.Advance(PasswordResetToken.Lifetime);

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => CompleteAsync(token));

        Assert.Equal(CompletePasswordResetHandler.ExpiredMessage, error.Message);
        Assert.IsType<SignInResult.Success>(await SignInAsync(email));
    }

    [Theory]
    [InlineData("")]
    [InlineData("made-up-token")]
    public async Task CompletePasswordReset_UnknownToken_IsRefused(string token)
    {
        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => CompleteAsync(token));

        Assert.Equal(CompletePasswordResetHandler.InvalidMessage, error.Message);
    }

    [Fact]
    public async Task CompletePasswordReset_WeakPassword_IsRefusedAndTheLinkStillWorks()
    {
        var (_, email) = await SignUpAsync();
        await RequestAsync(email);
        var token = await ResetTokenAsync(email);

        await Assert.ThrowsAsync<ValidationFailedException>(() => CompleteAsync(token, "short"));
        await Assert.ThrowsAsync<ValidationFailedException>(() => CompleteAsync(token, "Dana-Reyes-2026!"));

        await CompleteAsync(token);
        Assert.IsType<SignInResult.Success>(await SignInAsync(email, NewPassword));
    }

    [Fact]
    public async Task RequestPasswordReset_Twice_OnlyTheNewestLinkWorks()
    {
        var (_, email) = await SignUpAsync();
        await RequestAsync(email);
        var first = await ResetTokenAsync(email);
        Fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await RequestAsync(email);
        var second = await ResetTokenAsync(email);

        await Assert.ThrowsAsync<ValidationFailedException>(() => CompleteAsync(first));
        await CompleteAsync(second);
    }

    [Fact]
    public void CompletePasswordResetCommand_ToString_HidesTokenAndPassword()
    {
        var text = new CompletePasswordResetCommand("the-token", NewPassword).ToString();

        Assert.DoesNotContain("the-token", text, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPassword, text, StringComparison.Ordinal);
    }
}
