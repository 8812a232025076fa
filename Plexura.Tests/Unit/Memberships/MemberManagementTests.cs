using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Memberships.ChangeMemberRole;
using Plexura.Core.Memberships.LeavePractice;
using Plexura.Core.Memberships.RemoveMember;
using Plexura.Core.Memberships.TransferOwnership;
using Plexura.Core.Practices.Access;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Access;

namespace Plexura.Tests.Unit.Memberships;

/// <summary>Role changes, removal, leaving and ownership transfer: who may, the last owner, sessions, grants, audit.</summary>
public sealed class MemberManagementTests(SqliteStorageFixture fixture) : AccessUseCaseTestBase(fixture)
{
    private IMembershipRepository Memberships => Fixture.Get<IMembershipRepository>();

    [Fact]
    public async Task ChangeRole_OwnerMakesClinicianAdmin_ChangesRoleRevokesSessionsHereOnlyAndAudits()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var elsewhere = await NewPracticeAsync();
        var here = await NewSessionAsync(clinician.UserId, owner.PracticeId);
        var there = await NewSessionAsync(clinician.UserId, elsewhere.PracticeId);

        await Acting<ChangeMemberRoleHandler>(owner).HandleAsync(new ChangeMemberRoleCommand(clinician.MembershipId, PracticeRole.Admin), Client, Ct);

        Assert.Equal(PracticeRole.Admin, (await MembershipAsync(clinician))!.Role);
        Assert.False(await IsActiveAsync(here));
        Assert.True(await IsActiveAsync(there));
        var changed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged));
        Assert.Equal(AuditResult.Success, changed.Result);
        Assert.Equal("Clinician", changed.Details["from"]);
        Assert.Equal("Admin", changed.Details["to"]);
        Assert.Equal("1", changed.Details["sessionsRevoked"]);
        Assert.Equal(clinician.MembershipId.ToString(), changed.TargetId);
    }

    [Fact]
    public async Task ChangeRole_AdminMovesClinicianToCompliance_IsAllowed()
    {
        var owner = await NewPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        await Acting<ChangeMemberRoleHandler>(admin).HandleAsync(new ChangeMemberRoleCommand(clinician.MembershipId, PracticeRole.Compliance), Client, Ct);

        Assert.Equal(PracticeRole.Compliance, (await MembershipAsync(clinician))!.Role);
    }

    [Fact]
    public async Task ChangeRole_ByClinician_IsDeniedAuditedAndNothingChanges()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var session = await NewSessionAsync(clinician.UserId, owner.PracticeId);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<ChangeMemberRoleHandler>(clinician).HandleAsync(new ChangeMemberRoleCommand(clinician.MembershipId, PracticeRole.Admin), Client, Ct));

        Assert.Equal(PracticePolicy.NotAManagerMessage, ex.Message);
        Assert.Equal(PracticeRole.Clinician, (await MembershipAsync(clinician))!.Role);
        Assert.True(await IsActiveAsync(session));
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged));
        Assert.Equal(AuditResult.Denied, denied.Result);
        Assert.Equal(clinician.UserId, denied.ActorUserId);
    }

    [Theory]
    [InlineData(PracticeRole.Clinician, PracticeRole.Admin, MemberPolicy.OnlyOwnerManagesAdminsMessage)]
    [InlineData(PracticeRole.Admin, PracticeRole.Clinician, MemberPolicy.OnlyOwnerManagesAdminsMessage)]
    [InlineData(PracticeRole.Clinician, PracticeRole.Owner, MemberPolicy.OwnerByTransferOnlyMessage)]
    [InlineData(PracticeRole.Owner, PracticeRole.Clinician, MemberPolicy.OnlyOwnerManagesOwnersMessage)]
    public async Task ChangeRole_ByAdminBeyondTheirReach_IsDeniedAndAudited(PracticeRole from, PracticeRole to, string message)
    {
        var owner = await NewPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);
        var target = await AddMemberAsync(owner.PracticeId, from);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<ChangeMemberRoleHandler>(admin).HandleAsync(new ChangeMemberRoleCommand(target.MembershipId, to), Client, Ct));

        Assert.Equal(message, ex.Message);
        Assert.Equal(from, (await MembershipAsync(target))!.Role);
        Assert.Equal(AuditResult.Denied, Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged)).Result);
    }

    [Fact]
    public async Task ChangeRole_LastOwnerDemotesThemselves_IsDeniedAndStaysOwner()
    {
        var owner = await NewPracticeAsync();

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<ChangeMemberRoleHandler>(owner).HandleAsync(new ChangeMemberRoleCommand(owner.MembershipId, PracticeRole.Admin), Client, Ct));

        Assert.Equal(MemberPolicy.LastOwnerMessage, ex.Message);
        Assert.Equal(PracticeRole.Owner, (await MembershipAsync(owner))!.Role);
        Assert.Equal("last-owner", Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged)).Details["reason"]);
    }

    [Fact]
    public async Task ChangeRole_MemberOfAnotherPractice_IsNotFound()
    {
        var owner = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = await AddMemberAsync(other.PracticeId, PracticeRole.Clinician);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            Acting<ChangeMemberRoleHandler>(owner).HandleAsync(new ChangeMemberRoleCommand(theirs.MembershipId, PracticeRole.Compliance), Client, Ct));

        Assert.Equal(PracticeRole.Clinician, (await MembershipAsync(theirs))!.Role);
    }

    [Fact]
    public async Task Remove_ClinicianByAdmin_DeletesMembershipAndGrantsRevokesSessionsHereAndAudits()
    {
        var owner = await NewVerifiedPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var facts = NewClient(owner.PracticeId);
        await Acting<GrantClientAccessHandler>(owner).HandleAsync(
            new GrantClientAccessCommand(clinician.MembershipId, facts.ClientId, ClientPermissions.All), Client, Ct);
        var here = await NewSessionAsync(clinician.UserId, owner.PracticeId);
        var unchosen = await NewSessionAsync(clinician.UserId, null);

        await Acting<RemoveMemberHandler>(admin).HandleAsync(new RemoveMemberCommand(clinician.MembershipId), Client, Ct);

        Assert.Null(await MembershipAsync(clinician));
        Assert.Empty(await Fixture.Get<IClientGrantRepository>().ListForMemberAsync(owner.PracticeId, clinician.MembershipId, Ct));
        Assert.False(await IsActiveAsync(here));
        Assert.True(await IsActiveAsync(unchosen));
        var removed = (await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged))[0];
        Assert.Equal("removed", removed.Details["change"]);
        Assert.Equal("1", removed.Details["grantsDeleted"]);
        Assert.Equal("1", removed.Details["sessionsRevoked"]);
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<ClientAccessGate>(clinician).RequireAsync(facts.ClientId, ClientPermission.View, Client, Ct));
    }

    [Theory]
    [InlineData(PracticeRole.Admin, PracticeRole.Admin, MemberPolicy.OnlyOwnerManagesAdminsMessage)]
    [InlineData(PracticeRole.Admin, PracticeRole.Owner, MemberPolicy.OnlyOwnerManagesOwnersMessage)]
    [InlineData(PracticeRole.Clinician, PracticeRole.Clinician, PracticePolicy.NotAManagerMessage)]
    [InlineData(PracticeRole.Compliance, PracticeRole.Clinician, PracticePolicy.NotAManagerMessage)]
    public async Task Remove_BeyondTheActorsReach_IsDeniedAuditedAndTheMemberStays(PracticeRole actorRole, PracticeRole targetRole, string message)
    {
        var owner = await NewPracticeAsync();
        var actor = await AddMemberAsync(owner.PracticeId, actorRole);
        var target = await AddMemberAsync(owner.PracticeId, targetRole);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<RemoveMemberHandler>(actor).HandleAsync(new RemoveMemberCommand(target.MembershipId), Client, Ct));

        Assert.Equal(message, ex.Message);
        Assert.NotNull(await MembershipAsync(target));
        Assert.Equal(AuditResult.Denied, Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged)).Result);
    }

    [Fact]
    public async Task Remove_Themselves_IsDeniedPointingToLeave()
    {
        var owner = await NewPracticeAsync();

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<RemoveMemberHandler>(owner).HandleAsync(new RemoveMemberCommand(owner.MembershipId), Client, Ct));

        Assert.Equal(MemberPolicy.UseLeaveMessage, ex.Message);
    }

    [Fact]
    public async Task Remove_AnotherOwnerByOwner_IsAllowedWhileOneOwnerRemains()
    {
        var owner = await NewPracticeAsync();
        var second = await AddMemberAsync(owner.PracticeId, PracticeRole.Owner);

        await Acting<RemoveMemberHandler>(owner).HandleAsync(new RemoveMemberCommand(second.MembershipId), Client, Ct);

        Assert.Null(await MembershipAsync(second));
    }

    [Fact]
    public async Task Remove_TheLastTwoOwnersRemovingEachOtherAtOnce_LeavesAtLeastOneOwner()
    {
        for (var round = 0; round < 10; round++)
        {
            var first = await NewPracticeAsync();
            var second = await AddMemberAsync(first.PracticeId, PracticeRole.Owner);

            var attempts = new[]
            {
                Task.Run(() => Acting<RemoveMemberHandler>(first).HandleAsync(new RemoveMemberCommand(second.MembershipId), Client, Ct)),
                Task.Run(() => Acting<RemoveMemberHandler>(second).HandleAsync(new RemoveMemberCommand(first.MembershipId), Client, Ct)),
            };
            foreach (var attempt in attempts)
            {
                try
                {
                    await attempt;
                }
                catch (Exception ex) when (ex is AccessDeniedException or RecordNotFoundException or ConcurrencyConflictException or DuplicateRecordException or NotSignedInException)
                {
                    // One of the two (or both) must be refused; which one depends on the interleaving.
                }
            }

            var owners = (await Memberships.ListAsync(first.PracticeId, Ct)).Count(m => m.Role == PracticeRole.Owner);
            Assert.True(owners >= 1, $"Round {round} left the practice without an owner.");
        }
    }

    [Fact]
    public async Task ChangeRole_TheLastTwoOwnersDemotingEachOtherAtOnce_LeavesAtLeastOneOwner()
    {
        for (var round = 0; round < 10; round++)
        {
            var first = await NewPracticeAsync();
            var second = await AddMemberAsync(first.PracticeId, PracticeRole.Owner);

            var attempts = new[]
            {
                Task.Run(() => Acting<ChangeMemberRoleHandler>(first).HandleAsync(new ChangeMemberRoleCommand(second.MembershipId, PracticeRole.Admin), Client, Ct)),
                Task.Run(() => Acting<ChangeMemberRoleHandler>(second).HandleAsync(new ChangeMemberRoleCommand(first.MembershipId, PracticeRole.Admin), Client, Ct)),
            };
            foreach (var attempt in attempts)
            {
                try
                {
                    await attempt;
                }
                catch (Exception ex) when (ex is AccessDeniedException or ConcurrencyConflictException)
                {
                    // One of the two (or both) must be refused; which one depends on the interleaving.
                }
            }

            var owners = (await Memberships.ListAsync(first.PracticeId, Ct)).Count(m => m.Role == PracticeRole.Owner);
            Assert.True(owners >= 1, $"Round {round} left the practice without an owner.");
        }
    }

    [Fact]
    public async Task Leave_Clinician_RemovesTheirMembershipAndSessionsAndAudits()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician, hasMfa: false);
        var session = await NewSessionAsync(clinician.UserId, owner.PracticeId);

        await Acting<LeavePracticeHandler>(clinician).HandleAsync(new LeavePracticeCommand(), Client, Ct);

        Assert.Null(await MembershipAsync(clinician));
        Assert.False(await IsActiveAsync(session));
        var left = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged));
        Assert.Equal("left", left.Details["change"]);
        Assert.Equal(clinician.UserId, left.ActorUserId);
    }

    [Fact]
    public async Task Leave_LastOwner_IsDeniedAuditedAndStays()
    {
        var owner = await NewPracticeAsync();

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<LeavePracticeHandler>(owner).HandleAsync(new LeavePracticeCommand(), Client, Ct));

        Assert.Equal(MemberPolicy.LastOwnerMessage, ex.Message);
        Assert.NotNull(await MembershipAsync(owner));
        Assert.Equal("last-owner", Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged)).Details["reason"]);
    }

    [Fact]
    public async Task Leave_OneOfTwoOwners_IsAllowed()
    {
        var owner = await NewPracticeAsync();
        var second = await AddMemberAsync(owner.PracticeId, PracticeRole.Owner);

        await Acting<LeavePracticeHandler>(second).HandleAsync(new LeavePracticeCommand(), Client, Ct);

        Assert.Null(await MembershipAsync(second));
        Assert.NotNull(await MembershipAsync(owner));
    }

    [Fact]
    public async Task Transfer_ToAdminWithMfa_MakesThemOwnerAndTheOldOwnerAdminAndAudits()
    {
        var owner = await NewPracticeAsync();
        await VerifyAsync(owner);
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);
        var session = await NewSessionAsync(admin.UserId, owner.PracticeId);

        await Acting<TransferOwnershipHandler>(owner).HandleAsync(new TransferOwnershipCommand(admin.MembershipId), Client, Ct);

        Assert.Equal(PracticeRole.Owner, (await MembershipAsync(admin))!.Role);
        Assert.Equal(PracticeRole.Admin, (await MembershipAsync(owner))!.Role);
        Assert.False(await IsActiveAsync(session));
        var transferred = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged));
        Assert.Equal("ownership-transferred", transferred.Details["change"]);
        Assert.Equal("Admin", transferred.Details["previousOwnerRole"]);
    }

    [Fact]
    public async Task Transfer_RemainingOwner_LeavesTwoOwners()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        await Acting<TransferOwnershipHandler>(owner).HandleAsync(new TransferOwnershipCommand(clinician.MembershipId, RemainOwner: true), Client, Ct);

        Assert.Equal(PracticeRole.Owner, (await MembershipAsync(clinician))!.Role);
        Assert.Equal(PracticeRole.Owner, (await MembershipAsync(owner))!.Role);
    }

    [Fact]
    public async Task Transfer_ToMemberWithoutMfa_IsDeniedAuditedAndNothingChanges()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician, hasMfa: false);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<TransferOwnershipHandler>(owner).HandleAsync(new TransferOwnershipCommand(clinician.MembershipId), Client, Ct));

        Assert.Equal(MemberPolicy.NewOwnerNeedsMfaMessage, ex.Message);
        Assert.Equal(PracticeRole.Clinician, (await MembershipAsync(clinician))!.Role);
        Assert.Equal(PracticeRole.Owner, (await MembershipAsync(owner))!.Role);
        Assert.Equal("new-owner-needs-mfa", Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged)).Details["reason"]);
    }

    [Fact]
    public async Task Transfer_ByAdmin_IsDeniedAndAudited()
    {
        var owner = await NewPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<TransferOwnershipHandler>(admin).HandleAsync(new TransferOwnershipCommand(admin.MembershipId), Client, Ct));

        Assert.Equal(MemberPolicy.OnlyOwnerTransfersMessage, ex.Message);
        Assert.Equal(PracticeRole.Admin, (await MembershipAsync(admin))!.Role);
        Assert.Equal(AuditResult.Denied, Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged)).Result);
    }

    [Fact]
    public async Task Transfer_ToAnOwner_IsRefusedAsInvalid()
    {
        var owner = await NewPracticeAsync();

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Acting<TransferOwnershipHandler>(owner).HandleAsync(new TransferOwnershipCommand(owner.MembershipId), Client, Ct));

        Assert.Equal(TransferOwnershipHandler.AlreadyOwnerMessage, ex.Message);
    }

    private async Task VerifyAsync(Member member)
    {
        var users = Fixture.Get<Core.Users.IUserRepository>();
        var user = await users.GetAsync(member.UserId, Ct);
        await users.UpdateAsync(user! with { EmailVerifiedAt = Now }, Ct);
    }
}
