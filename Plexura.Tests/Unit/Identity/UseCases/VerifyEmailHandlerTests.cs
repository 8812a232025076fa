using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.VerifyEmail;
using Plexura.Core.Users;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Identity.UseCases;

/// <summary>Email verification: a link works once, within its lifetime.</summary>
public sealed class VerifyEmailHandlerTests(SqliteStorageFixture fixture) : IdentityUseCaseTestBase(fixture)
{
    [Fact]
    public async Task VerifyEmail_TokenFromTheEmail_MarksTheEmailVerifiedAndAudits()
    {
        var (result, email) = await SignUpAsync();
        var token = await VerificationTokenAsync(email);

        await Handler<VerifyEmailHandler>().HandleAsync(new VerifyEmailCommand(token), Client, Ct);

        var user = await Fixture.Get<IUserRepository>().GetAsync(result.UserId, Ct);
        Assert.Equal(Now, user!.EmailVerifiedAt);
        Assert.Null(user.EmailVerificationTokenHash);
        var events = await Fixture.Get<IAuditStore>().QueryAsync(result.PracticeId, new AuditQuery(Action: AuditAction.Updated), Ct);
        var verified = Assert.Single(events);
        Assert.Equal("email-verified", verified.Details["change"]);
        Assert.Equal(AuditResult.Success, verified.Result);
        Assert.DoesNotContain(verified.Details.Values, v => v.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyEmail_SameTokenTwice_RefusesTheSecondTime()
    {
        var (_, email) = await SignUpAsync();
        var token = await VerificationTokenAsync(email);
        await Handler<VerifyEmailHandler>().HandleAsync(new VerifyEmailCommand(token), Client, Ct);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(
            () => Handler<VerifyEmailHandler>().HandleAsync(new VerifyEmailCommand(token), Client, Ct));

        Assert.Equal(VerifyEmailHandler.InvalidMessage, ex.Message);
    }

    [Fact]
    public async Task VerifyEmail_AfterTheLinkExpired_RefusesAndLeavesTheEmailUnverified()
    {
        var (result, email) = await SignUpAsync();
        var token = await VerificationTokenAsync(email);
        Fixture.Time.Advance(EmailVerificationToken.Lifetime);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(
            () => Handler<VerifyEmailHandler>().HandleAsync(new VerifyEmailCommand(token), Client, Ct));

        Assert.Equal(VerifyEmailHandler.ExpiredMessage, ex.Message);
        Assert.Null((await Fixture.Get<IUserRepository>().GetAsync(result.UserId, Ct))!.EmailVerifiedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("made-up-token")]
    public async Task VerifyEmail_UnknownToken_Refuses(string token)
    {
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(
            () => Handler<VerifyEmailHandler>().HandleAsync(new VerifyEmailCommand(token), Client, Ct));

        Assert.Equal(VerifyEmailHandler.InvalidMessage, ex.Message);
    }
}
