using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Invitations;
using Plexura.Core.Invitations.AcceptInvitation;
using Plexura.Core.Invitations.GetInvitation;
using Plexura.Core.Invitations.InviteMember;
using Plexura.Core.Invitations.ListInvitations;
using Plexura.Core.Invitations.ResendInvitation;
using Plexura.Core.Invitations.RevokeInvitation;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Invitations;

/// <summary>Resending, revoking and listing invitations: within the caller's practice only, by owners and admins with a second factor.</summary>
public sealed class ManageInvitationHandlerTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    [Fact]
    public async Task Resend_Pending_ReplacesTheTokenSoTheOldLinkStopsWorking()
    {
        var owner = await NewPracticeAsync();
        var invitee = NewEmail();
        var invited = await InviteAsync(owner, invitee);
        var oldToken = await InvitationTokenAsync(invitee);
        Fixture.Time.Advance(TimeSpan.FromHours(1));

        var result = await As<ResendInvitationHandler>(owner).HandleAsync(new ResendInvitationCommand(invited.InvitationId), Client, Ct);

        var newToken = await InvitationTokenAsync(invitee);
        Assert.NotEqual(oldToken, newToken);
        Assert.True(result.EmailSent);
        Assert.Equal(Now + Invitation.Lifetime, result.ExpiresAt);
        var stored = await Fixture.Get<IInvitationRepository>().GetAsync(owner.PracticeId, invited.InvitationId, Ct);
        Assert.Equal(2, stored!.SendCount);
        Assert.Equal(Now, stored.LastSentAt);
        Assert.Equal(InvitationToken.HashOf(newToken), stored.TokenHash);
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Handler<GetInvitationHandler>().HandleAsync(new GetInvitationCommand(oldToken), Client, Ct));
        Assert.Equal(GetInvitationHandler.UnavailableMessage, refused.Message);
        Assert.Equal(invitee, (await Handler<GetInvitationHandler>().HandleAsync(new GetInvitationCommand(newToken), Client, Ct)).Email);
    }

    [Fact]
    public async Task Resend_Succeeds_AuditsInvitationSentAsAResend()
    {
        var owner = await NewPracticeAsync();
        var invited = await InviteAsync(owner, NewEmail());

        await As<ResendInvitationHandler>(owner).HandleAsync(new ResendInvitationCommand(invited.InvitationId), Client, Ct);

        var newest = (await AuditAsync(owner.PracticeId, AuditAction.InvitationSent))[0];
        Assert.Equal(AuditResult.Success, newest.Result);
        Assert.Equal("resend", newest.Details["via"]);
        Assert.Equal("2", newest.Details["send"]);
    }

    [Fact]
    public async Task Resend_Expired_RenewsItForAnother72Hours()
    {
        var owner = await NewPracticeAsync();
        var invitee = NewEmail();
        var invited = await InviteAsync(owner, invitee);
        Fixture.Time.Advance(Invitation.Lifetime + TimeSpan.FromHours(1));

        await As<ResendInvitationHandler>(owner).HandleAsync(new ResendInvitationCommand(invited.InvitationId), Client, Ct);

        var preview = await Handler<GetInvitationHandler>().HandleAsync(new GetInvitationCommand(await InvitationTokenAsync(invitee)), Client, Ct);
        Assert.Equal(Now + Invitation.Lifetime, preview.ExpiresAt);
    }

    [Fact]
    public async Task Resend_AnotherPracticesInvitation_ThrowsNotFound()
    {
        var owner = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = await InviteAsync(other, NewEmail());

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<ResendInvitationHandler>(owner).HandleAsync(new ResendInvitationCommand(theirs.InvitationId), Client, Ct));

        var stored = await Fixture.Get<IInvitationRepository>().GetAsync(other.PracticeId, theirs.InvitationId, Ct);
        Assert.Equal(1, stored!.SendCount);
    }

    [Fact]
    public async Task Resend_Revoked_ThrowsValidation()
    {
        var owner = await NewPracticeAsync();
        var invited = await InviteAsync(owner, NewEmail());
        await As<RevokeInvitationHandler>(owner).HandleAsync(new RevokeInvitationCommand(invited.InvitationId), Client, Ct);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<ResendInvitationHandler>(owner).HandleAsync(new ResendInvitationCommand(invited.InvitationId), Client, Ct));

        Assert.Equal(ResendInvitationHandler.NotResendableMessage, ex.Message);
    }

    [Fact]
    public async Task Resend_ByClinician_ThrowsAccessDeniedAndAuditsDenied()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var invited = await InviteAsync(owner, NewEmail());

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<ResendInvitationHandler>(clinician).HandleAsync(new ResendInvitationCommand(invited.InvitationId), Client, Ct));

        var newest = (await AuditAsync(owner.PracticeId, AuditAction.InvitationSent))[0];
        Assert.Equal(AuditResult.Denied, newest.Result);
        Assert.Equal(clinician.UserId, newest.ActorUserId);
    }

    [Fact]
    public async Task Resend_AdminInvitationByAdmin_ThrowsAccessDenied()
    {
        var owner = await NewPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);
        var invited = await As<InviteMemberHandler>(owner).HandleAsync(new InviteMemberCommand(NewEmail(), PracticeRole.Admin), Client, Ct);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<ResendInvitationHandler>(admin).HandleAsync(new ResendInvitationCommand(invited.InvitationId), Client, Ct));

        Assert.Equal(PracticePolicy.OnlyOwnerInvitesAdminsMessage, ex.Message);
    }

    [Fact]
    public async Task Revoke_Pending_MarksItRevokedAuditsAndTheLinkStopsWorking()
    {
        var owner = await NewPracticeAsync();
        var invitee = NewEmail();
        var invited = await InviteAsync(owner, invitee);
        var token = await InvitationTokenAsync(invitee);

        await As<RevokeInvitationHandler>(owner).HandleAsync(new RevokeInvitationCommand(invited.InvitationId), Client, Ct);

        var stored = await Fixture.Get<IInvitationRepository>().GetAsync(owner.PracticeId, invited.InvitationId, Ct);
        Assert.Equal(InvitationStatus.Revoked, stored!.StatusAt(Now));
        var revoked = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.InvitationRevoked));
        Assert.Equal(AuditResult.Success, revoked.Result);
        Assert.Equal(invited.InvitationId.ToString(), revoked.TargetId);
        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(token, "Sam Lee", Password), Client, Ct));
    }

    [Fact]
    public async Task Revoke_Twice_SucceedsQuietlyAndAuditsOnce()
    {
        var owner = await NewPracticeAsync();
        var invited = await InviteAsync(owner, NewEmail());

        await As<RevokeInvitationHandler>(owner).HandleAsync(new RevokeInvitationCommand(invited.InvitationId), Client, Ct);
        await As<RevokeInvitationHandler>(owner).HandleAsync(new RevokeInvitationCommand(invited.InvitationId), Client, Ct);

        Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.InvitationRevoked));
    }

    [Fact]
    public async Task Revoke_Accepted_ThrowsRemoveTheMemberInstead()
    {
        var owner = await NewPracticeAsync();
        var invitee = NewEmail();
        var invited = await InviteAsync(owner, invitee);
        await Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(await InvitationTokenAsync(invitee), "Sam Lee", Password), Client, Ct);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<RevokeInvitationHandler>(owner).HandleAsync(new RevokeInvitationCommand(invited.InvitationId), Client, Ct));

        Assert.Equal(RevokeInvitationHandler.AlreadyAcceptedMessage, ex.Message);
    }

    [Fact]
    public async Task Revoke_AnotherPracticesInvitation_ThrowsNotFoundAndLeavesItPending()
    {
        var owner = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = await InviteAsync(other, NewEmail());

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<RevokeInvitationHandler>(owner).HandleAsync(new RevokeInvitationCommand(theirs.InvitationId), Client, Ct));

        var stored = await Fixture.Get<IInvitationRepository>().GetAsync(other.PracticeId, theirs.InvitationId, Ct);
        Assert.Equal(InvitationStatus.Pending, stored!.StatusAt(Now));
    }

    [Fact]
    public async Task Revoke_ByComplianceOfficer_ThrowsAccessDeniedAndAuditsDenied()
    {
        var owner = await NewPracticeAsync();
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);
        var invited = await InviteAsync(owner, NewEmail());

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<RevokeInvitationHandler>(compliance).HandleAsync(new RevokeInvitationCommand(invited.InvitationId), Client, Ct));

        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.InvitationRevoked));
        Assert.Equal(AuditResult.Denied, denied.Result);
    }

    [Fact]
    public async Task List_MixedInvitations_ReportsEachStatusNewestFirst()
    {
        var owner = await NewPracticeAsync();
        var expired = await InviteAsync(owner, NewEmail());
        Fixture.Time.Advance(Invitation.Lifetime);
        var revoked = await InviteAsync(owner, NewEmail());
        await As<RevokeInvitationHandler>(owner).HandleAsync(new RevokeInvitationCommand(revoked.InvitationId), Client, Ct);
        Fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var acceptedEmail = NewEmail();
        var accepted = await InviteAsync(owner, acceptedEmail);
        await Handler<AcceptInvitationHandler>().HandleAsync(new AcceptInvitationCommand(await InvitationTokenAsync(acceptedEmail), "Sam Lee", Password), Client, Ct);
        Fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var pending = await InviteAsync(owner, NewEmail(), PracticeRole.Compliance);

        var list = await As<ListInvitationsHandler>(owner).HandleAsync(new ListInvitationsCommand(), Client, Ct);

        Assert.Equal([pending.InvitationId, accepted.InvitationId, revoked.InvitationId, expired.InvitationId], list.Select(i => i.InvitationId));
        Assert.Equal(
            [InvitationStatus.Pending, InvitationStatus.Accepted, InvitationStatus.Revoked, InvitationStatus.Expired],
            list.Select(i => i.Status));
        Assert.Equal(PracticeRole.Compliance, list[0].Role);
        Assert.Equal(owner.UserId, list[0].InvitedBy);
    }

    [Fact]
    public async Task List_OtherPracticesInvitations_AreNotIncluded()
    {
        var owner = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        await InviteAsync(other, NewEmail());

        Assert.Empty(await As<ListInvitationsHandler>(owner).HandleAsync(new ListInvitationsCommand(), Client, Ct));
    }

    [Fact]
    public async Task List_ByAdminWithoutMfa_ThrowsAccessDeniedAndAuditsDenied()
    {
        var owner = await NewPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin, hasMfa: false);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<ListInvitationsHandler>(admin).HandleAsync(new ListInvitationsCommand(), Client, Ct));

        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.AdministrationViewed));
        Assert.Equal(AuditResult.Denied, denied.Result);
        Assert.Equal("invitation", denied.TargetType);
    }

    private Task<InviteMemberResult> InviteAsync(Member inviter, string email, PracticeRole role = PracticeRole.Clinician) =>
        As<InviteMemberHandler>(inviter).HandleAsync(new InviteMemberCommand(email, role), Client, Ct);
}
