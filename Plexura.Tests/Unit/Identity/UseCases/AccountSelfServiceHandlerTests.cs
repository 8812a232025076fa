using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.ListMySessions;
using Plexura.Core.Identity.ResendEmailVerification;
using Plexura.Core.Identity.RevokeMySession;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Identity.UpdateProfile;
using Plexura.Core.Identity.VerifyEmail;
using Plexura.Core.Users;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Identity.UseCases;

/// <summary>Resending the verification link, the profile, and the user's own sessions.</summary>
public sealed class AccountSelfServiceHandlerTests(SqliteStorageFixture fixture) : IdentityUseCaseTestBase(fixture)
{
    private IUserRepository Users => Fixture.Get<IUserRepository>();

    private Task<ResendEmailVerificationResult> ResendAsync(ICurrentUser me) =>
        Handler<ResendEmailVerificationHandler>(me).HandleAsync(new ResendEmailVerificationCommand(), Client, Ct);

    [Fact]
    public async Task ResendEmailVerification_Unverified_SendsAFreshLinkAndTheOldOneStopsWorking()
    {
        var (signUp, email, me) = await SignedInAsync();
        var oldToken = await VerificationTokenAsync(email);
        Fixture.Time.Advance(ResendEmailVerificationHandler.MinInterval);

        Assert.Equal(ResendEmailVerificationResult.Sent, await ResendAsync(me));

        var messages = await EmailsAsync(email, "email-verification");
        Assert.Equal(2, messages.Count);
        var newToken = LinkToken(messages[0], "/account/verify-email?token=");
        Assert.NotEqual(oldToken, newToken);
        Assert.DoesNotContain(Password, messages[0].TextBody, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ValidationFailedException>(
            () => Handler<VerifyEmailHandler>().HandleAsync(new VerifyEmailCommand(oldToken), Client, Ct));
        await Handler<VerifyEmailHandler>().HandleAsync(new VerifyEmailCommand(newToken), Client, Ct);
        Assert.True((await Users.GetAsync(signUp.UserId, Ct))!.IsEmailVerified);
        Assert.Contains(
            await AuditAsync(signUp.PracticeId, AuditAction.Updated, signUp.UserId),
            e => e.Details.TryGetValue("change", out var c) && c == "email-verification-sent");
    }

    [Fact]
    public async Task ResendEmailVerification_AlreadyVerified_SaysSoAndSendsNothing()
    {
        var (_, email, me) = await SignedInAsync();
        await Handler<VerifyEmailHandler>().HandleAsync(new VerifyEmailCommand(await VerificationTokenAsync(email)), Client, Ct);
        Fixture.Time.Advance(ResendEmailVerificationHandler.MinInterval);

        Assert.Equal(ResendEmailVerificationResult.AlreadyVerified, await ResendAsync(me));

        Assert.Single(await EmailsAsync(email, "email-verification"));
    }

    [Fact]
    public async Task ResendEmailVerification_TooSoon_IsRefused()
    {
        var (_, email, me) = await SignedInAsync();

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => ResendAsync(me));

        Assert.Equal(ResendEmailVerificationHandler.TooSoonMessage, error.Message);
        Assert.Single(await EmailsAsync(email, "email-verification"));
    }

    [Fact]
    public async Task ResendEmailVerification_NotSignedIn_Throws()
    {
        await Assert.ThrowsAsync<NotSignedInException>(
            () => Handler<ResendEmailVerificationHandler>().HandleAsync(new ResendEmailVerificationCommand(), Client, Ct));
    }

    [Fact]
    public async Task UpdateProfile_ValidName_StoresItTrimmedAndAuditsWithoutTheName()
    {
        var (signUp, _, me) = await SignedInAsync();

        var result = await Handler<UpdateProfileHandler>(me).HandleAsync(new UpdateProfileCommand("  Dana Q. Reyes-Álvarez  "), Client, Ct);

        Assert.Equal("Dana Q. Reyes-Álvarez", result.DisplayName);
        Assert.Equal("Dana Q. Reyes-Álvarez", (await Users.GetAsync(signUp.UserId, Ct))!.DisplayName);
        var updated = Assert.Single(await AuditAsync(signUp.PracticeId, AuditAction.Updated, signUp.UserId));
        Assert.Equal("display-name", updated.Details["change"]);
        Assert.DoesNotContain(updated.Details.Values, v => v.Contains("Reyes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Dana\u0000Reyes")]
    [InlineData("Dana\nReyes")]
    [InlineData("Dana \u202EsexeR")]
    public async Task UpdateProfile_InvalidName_IsRefused(string name)
    {
        var (signUp, _, me) = await SignedInAsync();

        await Assert.ThrowsAsync<ValidationFailedException>(
            () => Handler<UpdateProfileHandler>(me).HandleAsync(new UpdateProfileCommand(name), Client, Ct));

        Assert.Equal("Dana Reyes", (await Users.GetAsync(signUp.UserId, Ct))!.DisplayName);
    }

    [Fact]
    public async Task UpdateProfile_NameOf100CharactersAccepted101Refused()
    {
        var (_, _, me) = await SignedInAsync();

        await Handler<UpdateProfileHandler>(me).HandleAsync(new UpdateProfileCommand(new string('a', 100)), Client, Ct);
        await Assert.ThrowsAsync<ValidationFailedException>(
            () => Handler<UpdateProfileHandler>(me).HandleAsync(new UpdateProfileCommand(new string('a', 101)), Client, Ct));
    }

    [Fact]
    public async Task ListMySessions_TwoSessions_ListsBothAndMarksTheCurrent()
    {
        var (signUp, email, me) = await SignedInAsync();
        var other = Assert.IsType<SignInResult.Success>(await SignInAsync(email));
        var (_, _, stranger) = await SignedInAsync();

        var sessions = await Handler<ListMySessionsHandler>(me).HandleAsync(new ListMySessionsCommand(), Client, Ct);

        Assert.Equal(2, sessions.Count);
        Assert.True(Assert.Single(sessions, s => s.Id == me.SessionId).IsCurrent);
        Assert.False(Assert.Single(sessions, s => s.Id == other.SessionId).IsCurrent);
        Assert.DoesNotContain(sessions, s => s.Id == stranger.SessionId);
        Assert.All(sessions, s => Assert.Equal(signUp.PracticeId, s.PracticeId));
    }

    [Fact]
    public async Task RevokeMySession_OwnOtherSession_RevokesItAndAudits()
    {
        var (signUp, email, me) = await SignedInAsync();
        var other = Assert.IsType<SignInResult.Success>(await SignInAsync(email));

        await Handler<RevokeMySessionHandler>(me).HandleAsync(new RevokeMySessionCommand(other.SessionId), Client, Ct);

        var stored = await Fixture.Get<ISessionRepository>().GetAsync(other.SessionId, Ct);
        Assert.Equal(SessionRevocationReason.SignedOut, stored!.RevokedReason);
        Assert.Null((await Fixture.Get<ISessionRepository>().GetAsync(me.SessionId, Ct))!.RevokedAt);
        var signOut = Assert.Single(await AuditAsync(signUp.PracticeId, AuditAction.SignOut, signUp.UserId));
        Assert.Equal("single", signOut.Details["scope"]);
        Assert.Equal(other.SessionId.ToString(), signOut.TargetId);
    }

    [Fact]
    public async Task RevokeMySession_SomeoneElsesSession_IsNotFoundAndLeavesItActive()
    {
        var (_, _, me) = await SignedInAsync();
        var (_, _, stranger) = await SignedInAsync();

        await Assert.ThrowsAsync<RecordNotFoundException>(
            () => Handler<RevokeMySessionHandler>(me).HandleAsync(new RevokeMySessionCommand(stranger.SessionId), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(
            () => Handler<RevokeMySessionHandler>(me).HandleAsync(new RevokeMySessionCommand(SessionId.New()), Client, Ct));

        Assert.Null((await Fixture.Get<ISessionRepository>().GetAsync(stranger.SessionId, Ct))!.RevokedAt);
    }

    [Fact]
    public async Task RevokeMySession_NotSignedIn_Throws()
    {
        await Assert.ThrowsAsync<NotSignedInException>(
            () => Handler<RevokeMySessionHandler>().HandleAsync(new RevokeMySessionCommand(SessionId.New()), Client, Ct));
    }
}
