using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Invitations;
using Plexura.Core.Invitations.InviteMember;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Invitations;

/// <summary>Inviting: owners and admins with a second factor, within their own practice, one pending invitation per address.</summary>
public sealed class InviteMemberHandlerTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    [Fact]
    public async Task Invite_OwnerWithMfaInvitesClinician_StoresAPendingInvitationWithOnlyTheTokenHash()
    {
        var owner = await NewPracticeAsync();
        var invitee = NewEmail();

        var result = await As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(invitee.ToUpperInvariant(), PracticeRole.Clinician), Client, Ct);

        var stored = await Fixture.Get<IInvitationRepository>().GetAsync(owner.PracticeId, result.InvitationId, Ct);
        Assert.NotNull(stored);
        Assert.True(result.EmailSent);
        Assert.Equal(invitee, stored.Email);
        Assert.Equal(PracticeRole.Clinician, stored.Role);
        Assert.Equal(owner.UserId, stored.InvitedBy);
        Assert.Equal(Now + TimeSpan.FromHours(72), stored.ExpiresAt);
        Assert.Equal(result.ExpiresAt, stored.ExpiresAt);
        Assert.Equal(1, stored.SendCount);
        Assert.Equal(InvitationStatus.Pending, stored.StatusAt(Now));
        var token = await InvitationTokenAsync(invitee);
        Assert.Equal(43, token.Length);
        Assert.Equal(InvitationToken.HashOf(token), stored.TokenHash);
        Assert.NotEqual(token, stored.TokenHash);
    }

    [Fact]
    public async Task Invite_OwnerWithMfa_EmailsTheLinkNamingPracticeAndInviterWithoutPassword()
    {
        var owner = await NewPracticeAsync();
        var invitee = NewEmail();

        await As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(invitee, PracticeRole.Compliance), Client, Ct);

        var message = await EmailToAsync(invitee);
        Assert.Equal("invitation", message.Kind);
        Assert.Contains($"{AppOptions.DefaultBaseUrl}/account/accept-invitation?token=", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("/account/accept-invitation?token=", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Riverbend Counseling", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Dana Reyes", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("as a compliance officer.", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("as a compliance officer.", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invite_Succeeds_AuditsInvitationSentWithoutTheInviteeEmail()
    {
        var owner = await NewPracticeAsync();
        var invitee = NewEmail();

        var result = await As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(invitee, PracticeRole.Clinician), Client, Ct);

        var sent = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.InvitationSent));
        Assert.Equal(AuditResult.Success, sent.Result);
        Assert.Equal(owner.UserId, sent.ActorUserId);
        Assert.Equal(result.InvitationId.ToString(), sent.TargetId);
        Assert.Equal("Clinician", sent.Details["role"]);
        Assert.DoesNotContain(sent.Details.Values, v => v.Contains(invitee, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Invite_ByClinician_ThrowsAccessDeniedAndAuditsDenied()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<InviteMemberHandler>(clinician).HandleAsync(new InviteMemberCommand(NewEmail(), PracticeRole.Clinician), Client, Ct));

        Assert.Equal(PracticePolicy.NotAManagerMessage, ex.Message);
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.InvitationSent));
        Assert.Equal(AuditResult.Denied, denied.Result);
        Assert.Equal(clinician.UserId, denied.ActorUserId);
        Assert.Equal("role", denied.Details["reason"]);
        Assert.Empty(await Fixture.Get<IInvitationRepository>().ListAsync(owner.PracticeId, Ct));
    }

    [Fact]
    public async Task Invite_ByAdminWithoutMfa_ThrowsAccessDeniedAskingForTwoStepSignIn()
    {
        var owner = await NewPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin, hasMfa: false);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<InviteMemberHandler>(admin).HandleAsync(new InviteMemberCommand(NewEmail(), PracticeRole.Clinician), Client, Ct));

        Assert.Equal(PracticePolicy.ManagerNeedsMfaMessage, ex.Message);
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.InvitationSent));
        Assert.Equal(AuditResult.Denied, denied.Result);
        Assert.Equal("mfa-required", denied.Details["reason"]);
    }

    [Fact]
    public async Task Invite_ByOwnerWithoutMfa_ThrowsAccessDenied()
    {
        var owner = await NewPracticeAsync(ownerHasMfa: false);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(NewEmail(), PracticeRole.Clinician), Client, Ct));
    }

    [Fact]
    public async Task Invite_AdminInvitesAdmin_ThrowsAccessDeniedAndAuditsDenied()
    {
        var owner = await NewPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<InviteMemberHandler>(admin).HandleAsync(new InviteMemberCommand(NewEmail(), PracticeRole.Admin), Client, Ct));

        Assert.Equal(PracticePolicy.OnlyOwnerInvitesAdminsMessage, ex.Message);
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.InvitationSent));
        Assert.Equal(AuditResult.Denied, denied.Result);
    }

    [Fact]
    public async Task Invite_AdminInvitesClinicianAndOwnerInvitesAdmin_BothSucceed()
    {
        var owner = await NewPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);

        var byAdmin = await As<InviteMemberHandler>(admin).HandleAsync(new InviteMemberCommand(NewEmail(), PracticeRole.Clinician), Client, Ct);
        var byOwner = await As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(NewEmail(), PracticeRole.Admin), Client, Ct);

        Assert.Equal(2, (await Fixture.Get<IInvitationRepository>().ListAsync(owner.PracticeId, Ct)).Count);
        Assert.NotEqual(byAdmin.InvitationId, byOwner.InvitationId);
    }

    [Fact]
    public async Task Invite_OwnerRole_ThrowsAccessDenied()
    {
        var owner = await NewPracticeAsync();

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(NewEmail(), PracticeRole.Owner), Client, Ct));

        Assert.Equal(PracticePolicy.CannotInviteOwnerMessage, ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-email")]
    [InlineData("Sam <sam@example.com>")]
    public async Task Invite_InvalidEmail_ThrowsValidation(string email)
    {
        var owner = await NewPracticeAsync();

        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(email, PracticeRole.Clinician), Client, Ct));
    }

    [Fact]
    public async Task Invite_EmailOfAMember_ThrowsAlreadyMember()
    {
        var owner = await NewPracticeAsync();
        var member = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(member.Email, PracticeRole.Compliance), Client, Ct));

        Assert.Equal(InviteMemberHandler.AlreadyMemberMessage, ex.Message);
    }

    [Fact]
    public async Task Invite_EmailOfAMemberOfAnotherPractice_Succeeds()
    {
        var owner = await NewPracticeAsync();
        var elsewhere = await NewPracticeAsync();

        var result = await As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(elsewhere.Email, PracticeRole.Clinician), Client, Ct);

        Assert.True(result.EmailSent);
    }

    [Fact]
    public async Task Invite_PendingInvitationForTheEmail_ThrowsResendInstead()
    {
        var owner = await NewPracticeAsync();
        var invitee = NewEmail();
        await As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(invitee, PracticeRole.Clinician), Client, Ct);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand($" {invitee.ToUpperInvariant()} ", PracticeRole.Compliance), Client, Ct));

        Assert.Equal(InviteMemberHandler.AlreadyInvitedMessage, ex.Message);
        Assert.Contains("Resend it instead", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invite_OnlyAnExpiredInvitationForTheEmail_CreatesANewOne()
    {
        var owner = await NewPracticeAsync();
        var invitee = NewEmail();
        var first = await As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(invitee, PracticeRole.Clinician), Client, Ct);
        Fixture.Time.Advance(Invitation.Lifetime);

        var second = await As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(invitee, PracticeRole.Clinician), Client, Ct);

        Assert.NotEqual(first.InvitationId, second.InvitationId);
    }

    [Fact]
    public async Task Invite_NobodySignedIn_ThrowsNotSignedIn()
    {
        await Assert.ThrowsAsync<NotSignedInException>(() =>
            As<InviteMemberHandler>(new NoCurrentUser()).HandleAsync(new InviteMemberCommand(NewEmail(), PracticeRole.Clinician), Client, Ct));
    }

    [Fact]
    public async Task Invite_NoPracticeEntered_ThrowsAccessDenied()
    {
        var owner = await NewPracticeAsync();

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<InviteMemberHandler>(new FakeCurrentUser(owner.UserId, SessionId.New(), null))
                .HandleAsync(new InviteMemberCommand(NewEmail(), PracticeRole.Clinician), Client, Ct));

        Assert.Equal(PracticeActorLoader.NoPracticeMessage, ex.Message);
    }

    [Fact]
    public async Task Invite_MembershipRemovedSinceSignIn_ThrowsAccessDeniedAndAuditsDenied()
    {
        var owner = await NewPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);
        await Fixture.Get<IMembershipRepository>().DeleteAsync(owner.PracticeId, admin.MembershipId, 0, Ct);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<InviteMemberHandler>(admin).HandleAsync(new InviteMemberCommand(NewEmail(), PracticeRole.Clinician), Client, Ct));

        Assert.Equal(PracticeActorLoader.NotAMemberMessage, ex.Message);
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.InvitationSent));
        Assert.Equal(AuditResult.Denied, denied.Result);
        Assert.Equal("not-a-member", denied.Details["reason"]);
    }

    [Fact]
    public async Task Invite_MemberOfAnotherPracticeNamingThisOne_ThrowsAccessDenied()
    {
        var owner = await NewPracticeAsync();
        var outsider = await NewPracticeAsync();

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<InviteMemberHandler>(outsider with { PracticeId = owner.PracticeId })
                .HandleAsync(new InviteMemberCommand(NewEmail(), PracticeRole.Clinician), Client, Ct));

        Assert.Empty(await Fixture.Get<IInvitationRepository>().ListAsync(owner.PracticeId, Ct));
    }
}
