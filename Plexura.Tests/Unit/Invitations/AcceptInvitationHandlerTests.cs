using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Invitations;
using Plexura.Core.Invitations.AcceptInvitation;
using Plexura.Core.Invitations.GetInvitation;
using Plexura.Core.Invitations.InviteMember;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Users;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Invitations;

/// <summary>Opening and accepting an invitation link: anonymous, single use, 72 hours, password-proven for existing accounts.</summary>
public sealed class AcceptInvitationHandlerTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    private const string NewPassword = "Copper-Lantern-58?";

    [Fact]
    public async Task Get_PendingForNewAddress_ShowsPracticeEmailRoleAndNoAccount()
    {
        var owner = await NewPracticeAsync();
        var (token, invitee, _) = await InviteAsync(owner, PracticeRole.Clinician);

        var preview = await Handler<GetInvitationHandler>().HandleAsync(new GetInvitationCommand(token), Client, Ct);

        Assert.Equal("Riverbend Counseling", preview.PracticeName);
        Assert.Equal(invitee, preview.Email);
        Assert.Equal(PracticeRole.Clinician, preview.Role);
        Assert.False(preview.AccountExists);
        Assert.False(preview.MfaRequired);
        Assert.Equal(Now + Invitation.Lifetime, preview.ExpiresAt);
    }

    [Fact]
    public async Task Get_ExistingAccountInvitedAsAdmin_SaysAccountExistsAndMfaRequired()
    {
        var owner = await NewPracticeAsync();
        var existing = await NewUserAsync();
        var (token, _, _) = await InviteAsync(owner, PracticeRole.Admin, existing.Email);

        var preview = await Handler<GetInvitationHandler>().HandleAsync(new GetInvitationCommand(token), Client, Ct);

        Assert.True(preview.AccountExists);
        Assert.True(preview.MfaRequired);
    }

    [Fact]
    public async Task Get_ClinicianInPracticeRequiringMfa_SaysMfaRequired()
    {
        var owner = await NewPracticeAsync();
        var practices = Fixture.Get<IPracticeRepository>();
        var practice = await practices.GetAsync(owner.PracticeId, Ct);
        await practices.UpdateAsync(owner.PracticeId, practice! with { RequireMfaForAllMembers = true }, Ct);
        var (token, _, _) = await InviteAsync(owner, PracticeRole.Clinician);

        var preview = await Handler<GetInvitationHandler>().HandleAsync(new GetInvitationCommand(token), Client, Ct);

        Assert.True(preview.MfaRequired);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-real-token")]
    public async Task Get_UnknownToken_ThrowsUnavailable(string token)
    {
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Handler<GetInvitationHandler>().HandleAsync(new GetInvitationCommand(token), Client, Ct));

        Assert.Equal(GetInvitationHandler.UnavailableMessage, ex.Message);
    }

    [Fact]
    public async Task Get_After72Hours_ThrowsUnavailable()
    {
        var owner = await NewPracticeAsync();
        var (token, _, _) = await InviteAsync(owner, PracticeRole.Clinician);
        Fixture.Time.Advance(TimeSpan.FromHours(72));

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Handler<GetInvitationHandler>().HandleAsync(new GetInvitationCommand(token), Client, Ct));

        Assert.Equal(GetInvitationHandler.UnavailableMessage, ex.Message);
    }

    [Fact]
    public async Task Accept_NewAddress_CreatesAVerifiedUserAndTheMembership()
    {
        var owner = await NewPracticeAsync();
        var (token, invitee, invited) = await InviteAsync(owner, PracticeRole.Clinician);

        var result = await Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, "  Sam Lee ", NewPassword), Client, Ct);

        Assert.True(result.AccountCreated);
        Assert.False(result.MfaEnrollmentRequired);
        Assert.Equal(owner.PracticeId, result.PracticeId);
        var user = await Fixture.Get<IUserRepository>().GetAsync(result.UserId, Ct);
        Assert.Equal(invitee, user!.Email);
        Assert.Equal("Sam Lee", user.DisplayName);
        Assert.Equal(Now, user.EmailVerifiedAt);
        Assert.True((await Fixture.Get<IPasswordHasher>().VerifyAsync(NewPassword, user.PasswordHash, Ct)).Succeeded);
        var membership = await Fixture.Get<IMembershipRepository>().GetAsync(owner.PracticeId, result.MembershipId, Ct);
        Assert.Equal(PracticeRole.Clinician, membership!.Role);
        Assert.Equal(result.UserId, membership.UserId);
        var stored = await Fixture.Get<IInvitationRepository>().GetAsync(owner.PracticeId, invited, Ct);
        Assert.Equal(InvitationStatus.Accepted, stored!.StatusAt(Now));
        Assert.Equal(result.UserId, stored.AcceptedByUserId);
    }

    [Fact]
    public async Task Accept_NewAddress_AuditsInvitationAcceptedOnThePracticeChain()
    {
        var owner = await NewPracticeAsync();
        var (token, _, invited) = await InviteAsync(owner, PracticeRole.Compliance);

        var result = await Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, "Sam Lee", NewPassword), Client, Ct);

        var accepted = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.InvitationAccepted));
        Assert.Equal(AuditResult.Success, accepted.Result);
        Assert.Equal(result.UserId, accepted.ActorUserId);
        Assert.Equal(invited.ToString(), accepted.TargetId);
        Assert.Equal(result.MembershipId.ToString(), accepted.Details["membership"]);
        Assert.Equal("created", accepted.Details["account"]);
        Assert.DoesNotContain(accepted.Details.Values, v => v.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Accept_AsAdmin_SaysMfaEnrollmentIsRequiredNext()
    {
        var owner = await NewPracticeAsync();
        var (token, _, _) = await InviteAsync(owner, PracticeRole.Admin);

        var result = await Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, "Sam Lee", NewPassword), Client, Ct);

        Assert.True(result.MfaEnrollmentRequired);
    }

    [Fact]
    public async Task Accept_WeakPassword_ThrowsValidationAndCreatesNothing()
    {
        var owner = await NewPracticeAsync();
        var (token, invitee, invited) = await InviteAsync(owner, PracticeRole.Clinician);

        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, "Sam Lee", "short"), Client, Ct));
        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, " ", NewPassword), Client, Ct));

        Assert.Null(await Fixture.Get<IUserRepository>().FindByEmailAsync(invitee, Ct));
        var stored = await Fixture.Get<IInvitationRepository>().GetAsync(owner.PracticeId, invited, Ct);
        Assert.Equal(InvitationStatus.Pending, stored!.StatusAt(Now));
    }

    [Fact]
    public async Task Accept_TokenUsedTwice_SecondThrowsUnavailable()
    {
        var owner = await NewPracticeAsync();
        var (token, _, _) = await InviteAsync(owner, PracticeRole.Clinician);
        await Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, "Sam Lee", NewPassword), Client, Ct);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, "Sam Lee", NewPassword), Client, Ct));

        Assert.Equal(GetInvitationHandler.UnavailableMessage, ex.Message);
        Assert.Single(await Fixture.Get<IMembershipRepository>().ListAsync(owner.PracticeId, Ct), m => m.Role == PracticeRole.Clinician);
        var failed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.InvitationAccepted), e => e.Result == AuditResult.Failed);
        Assert.Equal("accepted", failed.Details["reason"]);
    }

    [Fact]
    public async Task Accept_After72Hours_ThrowsUnavailableAndCreatesNoAccount()
    {
        var owner = await NewPracticeAsync();
        var (token, invitee, _) = await InviteAsync(owner, PracticeRole.Clinician);
        Fixture.Time.Advance(TimeSpan.FromHours(72));

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, "Sam Lee", NewPassword), Client, Ct));

        Assert.Equal(GetInvitationHandler.UnavailableMessage, ex.Message);
        Assert.Null(await Fixture.Get<IUserRepository>().FindByEmailAsync(invitee, Ct));
    }

    [Fact]
    public async Task Accept_UnknownToken_ThrowsUnavailableAndAuditsOnTheSystemChain()
    {
        var before = (await AuditAsync(PracticeId.None, AuditAction.InvitationAccepted)).Count;

        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand("made-up", "Sam Lee", NewPassword), Client, Ct));

        var events = await AuditAsync(PracticeId.None, AuditAction.InvitationAccepted);
        Assert.Equal(before + 1, events.Count);
        Assert.Equal("invalid-token", events[0].Details["reason"]);
    }

    [Fact]
    public async Task Accept_ExistingAccountWithItsPassword_AddsTheMembershipAndKeepsThePassword()
    {
        var owner = await NewPracticeAsync();
        var existing = await NewUserAsync();
        var (token, _, _) = await InviteAsync(owner, PracticeRole.Clinician, existing.Email);

        var result = await Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, null, Password), Client, Ct);

        Assert.False(result.AccountCreated);
        Assert.Equal(existing.Id, result.UserId);
        var membership = await Fixture.Get<IMembershipRepository>().FindByUserAsync(owner.PracticeId, existing.Id, Ct);
        Assert.Equal(result.MembershipId, membership!.Id);
        var user = await Fixture.Get<IUserRepository>().GetAsync(existing.Id, Ct);
        Assert.Equal(existing.PasswordHash, user!.PasswordHash);
        Assert.Equal("existing", Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.InvitationAccepted)).Details["account"]);
    }

    [Fact]
    public async Task Accept_ExistingUnverifiedAccount_VerifiesItsEmail()
    {
        var owner = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var (token, _, _) = await InviteAsync(owner, PracticeRole.Clinician, other.Email);

        await Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, null, Password), Client, Ct);

        var user = await Fixture.Get<IUserRepository>().GetAsync(other.UserId, Ct);
        Assert.True(user!.IsEmailVerified);
        Assert.Null(user.EmailVerificationTokenHash);
    }

    [Fact]
    public async Task Accept_ExistingAccountWrongPassword_FailsCountsAndAuditsWithoutJoining()
    {
        var owner = await NewPracticeAsync();
        var home = await NewPracticeAsync();
        var (token, _, invited) = await InviteAsync(owner, PracticeRole.Clinician, home.Email);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, null, NewPassword), Client, Ct));

        Assert.Equal(AcceptInvitationHandler.WrongPasswordMessage, ex.Message);
        Assert.DoesNotContain(NewPassword, ex.Message, StringComparison.Ordinal);
        Assert.Null(await Fixture.Get<IMembershipRepository>().FindByUserAsync(owner.PracticeId, home.UserId, Ct));
        Assert.Equal(1, (await Fixture.Get<IUserRepository>().GetAsync(home.UserId, Ct))!.FailedSignIns);
        var failedSignIn = Assert.Single(await AuditAsync(home.PracticeId, AuditAction.SignInFailed));
        Assert.Equal("wrong-password", failedSignIn.Details["reason"]);
        Assert.Equal("accept-invitation", failedSignIn.Details["via"]);
        var failedAccept = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.InvitationAccepted));
        Assert.Equal(AuditResult.Failed, failedAccept.Result);
        var stored = await Fixture.Get<IInvitationRepository>().GetAsync(owner.PracticeId, invited, Ct);
        Assert.Equal(InvitationStatus.Pending, stored!.StatusAt(Now));
    }

    [Fact]
    public async Task Accept_ExistingAccountLockedAfterWrongPasswords_RefusesEvenTheRightOne()
    {
        var owner = await NewPracticeAsync();
        var existing = await NewUserAsync();
        var (token, _, _) = await InviteAsync(owner, PracticeRole.Clinician, existing.Email);
        for (var i = 0; i < LoginThrottle.FailuresBeforeLock; i++)
        {
            await Assert.ThrowsAsync<ValidationFailedException>(() =>
                Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, null, NewPassword), Client, Ct));
        }

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, null, Password), Client, Ct));

        Assert.Equal(AcceptInvitationHandler.LockedMessage, ex.Message);
    }

    [Fact]
    public async Task Accept_ExistingAccountAlreadyAMember_ThrowsAlreadyMemberAndLeavesItPending()
    {
        var owner = await NewPracticeAsync();
        var existing = await NewUserAsync();
        var (token, _, invited) = await InviteAsync(owner, PracticeRole.Clinician, existing.Email);
        await Fixture.Get<IMembershipRepository>().AddAsync(
            owner.PracticeId, new Membership(MembershipId.New(), owner.PracticeId, existing.Id, PracticeRole.Compliance, Now), Ct);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, null, Password), Client, Ct));

        Assert.Equal(AcceptInvitationHandler.AlreadyMemberMessage, ex.Message);
        var stored = await Fixture.Get<IInvitationRepository>().GetAsync(owner.PracticeId, invited, Ct);
        Assert.Equal(InvitationStatus.Pending, stored!.StatusAt(Now));
    }

    [Fact]
    public async Task Accept_TwoAtOnceForAnExistingAccount_ExactlyOneJoins()
    {
        var owner = await NewPracticeAsync();
        var existing = await NewUserAsync();
        var (token, _, _) = await InviteAsync(owner, PracticeRole.Clinician, existing.Email);

        var attempts = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, null, Password), Client, Ct);
                return true;
            }
            catch (ValidationFailedException)
            {
                return false;
            }
        }));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, joined => joined);
        Assert.Single(await Fixture.Get<IMembershipRepository>().ListForUserAsync(existing.Id, Ct));
    }

    [Fact]
    public void Command_ToString_HidesTokenAndPassword()
    {
        var text = new AcceptInvitationCommand("secret-token", "Sam", NewPassword).ToString();

        Assert.DoesNotContain("secret-token", text, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPassword, text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", new GetInvitationCommand("secret-token").ToString(), StringComparison.Ordinal);
    }

    private async Task<(string Token, string Email, InvitationId Id)> InviteAsync(Member inviter, PracticeRole role, string? email = null)
    {
        var invitee = email ?? NewEmail();
        var result = await As<InviteMemberHandler>(inviter).HandleAsync(new InviteMemberCommand(invitee, role), Client, Ct);
        return (await InvitationTokenAsync(invitee), User.NormalizeEmail(invitee), result.InvitationId);
    }
}
