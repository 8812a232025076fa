using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Access.ListClientAccess;
using Plexura.Core.Access.RevokeClientAccess;
using Plexura.Core.Access.SetMemberScope;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Access;

/// <summary>The client access gate and the use cases that decide who sees which clients.</summary>
public sealed class ClientAccessUseCaseTests(SqliteStorageFixture fixture) : AccessUseCaseTestBase(fixture)
{
    private static readonly ClientPermissions ViewEdit = new(true, true, false, false);

    private IClientGrantRepository Grants => Fixture.Get<IClientGrantRepository>();

    [Fact]
    public async Task Gate_OwnerViewsAnyClient_ReturnsActorAndFactsWithoutAuditing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var facts = NewClient(owner.PracticeId);

        var allowed = await Acting<ClientAccessGate>(owner).RequireAsync(facts.ClientId, ClientPermission.View, Client, Ct);

        Assert.Equal(owner.UserId, allowed.Actor.UserId);
        Assert.Equal(facts, allowed.Facts);
        Assert.Empty(await AuditAsync(owner.PracticeId, AuditAction.PhiViewed));
    }

    [Theory]
    [InlineData(ClientPermission.View, AuditAction.PhiViewed)]
    [InlineData(ClientPermission.Edit, AuditAction.Updated)]
    [InlineData(ClientPermission.Push, AuditAction.EhrPushed)]
    [InlineData(ClientPermission.Export, AuditAction.Exported)]
    public async Task Gate_ClinicianWithoutGrant_ThrowsAndAuditsDeniedWithTheMatchingActionAndClient(ClientPermission permission, AuditAction action)
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var facts = NewClient(owner.PracticeId);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<ClientAccessGate>(clinician).RequireAsync(facts.ClientId, permission, Client, Ct));

        Assert.Equal(ClientAuthorization.NotGrantedMessage, ex.Message);
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, action));
        Assert.Equal(AuditResult.Denied, denied.Result);
        Assert.Equal(facts.ClientId.ToString(), denied.ClientId);
        Assert.Equal(clinician.UserId, denied.ActorUserId);
        Assert.Equal("not-granted", denied.Details["reason"]);
    }

    [Fact]
    public async Task Gate_ClientOfAnotherPractice_ThrowsNotFoundAndAuditsDenied()
    {
        var owner = await NewVerifiedPracticeAsync();
        var other = await NewVerifiedPracticeAsync();
        var theirs = NewClient(other.PracticeId);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            Acting<ClientAccessGate>(owner).RequireAsync(theirs.ClientId, ClientPermission.View, Client, Ct));

        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PhiViewed));
        Assert.Equal("unknown-client", denied.Details["reason"]);
        Assert.Empty(await AuditAsync(other.PracticeId, AuditAction.PhiViewed));
    }

    [Fact]
    public async Task Gate_RestrictedClientPushByOwner_IsDeniedAsRestricted()
    {
        var owner = await NewVerifiedPracticeAsync();
        var facts = NewClient(owner.PracticeId, restricted: true);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<ClientAccessGate>(owner).RequireAsync(facts.ClientId, ClientPermission.Push, Client, Ct));

        Assert.Equal(ClientAuthorization.RestrictedMessage, ex.Message);
        Assert.Equal("restricted", Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.EhrPushed)).Details["reason"]);
    }

    [Fact]
    public async Task Gate_CreatorClinician_MayViewAndEditButNotExport()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var facts = NewClient(owner.PracticeId, createdBy: clinician.UserId);
        var gate = Acting<ClientAccessGate>(clinician);

        await gate.RequireAsync(facts.ClientId, ClientPermission.View, Client, Ct);
        await gate.RequireAsync(facts.ClientId, ClientPermission.Edit, Client, Ct);
        await Assert.ThrowsAsync<AccessDeniedException>(() => gate.RequireAsync(facts.ClientId, ClientPermission.Export, Client, Ct));
    }

    [Fact]
    public async Task Grant_ByOwner_StoresTheGrantWhichTheGateThenHonoursAndAuditsIt()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var facts = NewClient(owner.PracticeId);

        var grant = await Acting<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(clinician.MembershipId, facts.ClientId, ViewEdit), Client, Ct);

        Assert.Equal(grant, await Grants.FindAsync(owner.PracticeId, clinician.MembershipId, facts.ClientId, Ct));
        Assert.Equal(owner.UserId, grant.GrantedBy);
        await Acting<ClientAccessGate>(clinician).RequireAsync(facts.ClientId, ClientPermission.Edit, Client, Ct);
        var changed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged));
        Assert.Equal(AuditResult.Success, changed.Result);
        Assert.Equal(facts.ClientId.ToString(), changed.ClientId);
        Assert.Equal("none", changed.Details["from"]);
        Assert.Equal("view,edit", changed.Details["to"]);
    }

    [Fact]
    public async Task Grant_AgainWithOtherPermissions_ReplacesTheOneGrantAndAuditsFromAndTo()
    {
        var owner = await NewVerifiedPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var facts = NewClient(owner.PracticeId);
        await Acting<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(clinician.MembershipId, facts.ClientId, ViewEdit), Client, Ct);

        await Acting<GrantClientAccessHandler>(admin).HandleAsync(new GrantClientAccessCommand(clinician.MembershipId, facts.ClientId, ClientPermissions.All), Client, Ct);

        var grant = Assert.Single(await Grants.ListForClientAsync(owner.PracticeId, facts.ClientId, Ct));
        Assert.Equal(ClientPermissions.All, grant.ToPermissions());
        Assert.Equal(admin.UserId, grant.GrantedBy);
        var latest = (await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged))[0];
        Assert.Equal("view,edit", latest.Details["from"]);
        Assert.Equal("view,edit,push,export", latest.Details["to"]);
    }

    [Theory]
    [InlineData(PracticeRole.Clinician)]
    [InlineData(PracticeRole.Compliance)]
    public async Task Grant_ByNonManager_IsDeniedAuditedAndNothingStored(PracticeRole role)
    {
        var owner = await NewVerifiedPracticeAsync();
        var member = await AddMemberAsync(owner.PracticeId, role);
        var facts = NewClient(owner.PracticeId);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<GrantClientAccessHandler>(member).HandleAsync(new GrantClientAccessCommand(member.MembershipId, facts.ClientId, ClientPermissions.All), Client, Ct));

        Assert.Equal(ClientAuthorization.NotAnAccessManagerMessage, ex.Message);
        Assert.Empty(await Grants.ListForClientAsync(owner.PracticeId, facts.ClientId, Ct));
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged));
        Assert.Equal(AuditResult.Denied, denied.Result);
        Assert.Equal(member.UserId, denied.ActorUserId);
    }

    [Fact]
    public async Task Grant_ForgedClientOfAnotherPractice_IsNotFoundAuditedAndNothingStored()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var other = await NewVerifiedPracticeAsync();
        var theirs = NewClient(other.PracticeId);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            Acting<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(clinician.MembershipId, theirs.ClientId, ViewEdit), Client, Ct));

        Assert.Empty(await Grants.ListForMemberAsync(owner.PracticeId, clinician.MembershipId, Ct));
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged));
        Assert.Equal(AuditResult.Denied, denied.Result);
        Assert.Equal("unknown-client", denied.Details["reason"]);
    }

    [Fact]
    public async Task Grant_ForgedMemberOfAnotherPractice_IsNotFoundAuditedAndNothingStored()
    {
        var owner = await NewVerifiedPracticeAsync();
        var other = await NewVerifiedPracticeAsync();
        var theirClinician = await AddMemberAsync(other.PracticeId, PracticeRole.Clinician);
        var facts = NewClient(owner.PracticeId);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            Acting<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(theirClinician.MembershipId, facts.ClientId, ViewEdit), Client, Ct));

        Assert.Empty(await Grants.ListForClientAsync(owner.PracticeId, facts.ClientId, Ct));
        Assert.Empty(await Grants.ListForMemberAsync(other.PracticeId, theirClinician.MembershipId, Ct));
        Assert.Equal("unknown-member", Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged)).Details["reason"]);
    }

    [Theory]
    [InlineData(PracticeRole.Compliance)]
    [InlineData(PracticeRole.Admin)]
    public async Task Grant_ToNonClinician_IsDeniedAndAudited(PracticeRole role)
    {
        var owner = await NewVerifiedPracticeAsync();
        var member = await AddMemberAsync(owner.PracticeId, role);
        var facts = NewClient(owner.PracticeId);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(member.MembershipId, facts.ClientId, ViewEdit), Client, Ct));

        Assert.Equal(AccessTargets.NotAClinicianMessage, ex.Message);
        Assert.Equal("not-a-clinician", Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged)).Details["reason"]);
    }

    [Fact]
    public async Task Grant_NoPermission_IsRefusedAsInvalid()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var facts = NewClient(owner.PracticeId);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Acting<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(clinician.MembershipId, facts.ClientId, ClientPermissions.None), Client, Ct));

        Assert.Equal(GrantClientAccessHandler.NoPermissionMessage, ex.Message);
    }

    [Fact]
    public async Task Revoke_ExistingGrant_DeletesItAuditsAndTheGateRefusesAgain()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var facts = NewClient(owner.PracticeId);
        await Acting<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(clinician.MembershipId, facts.ClientId, ViewEdit), Client, Ct);

        await Acting<RevokeClientAccessHandler>(owner).HandleAsync(new RevokeClientAccessCommand(clinician.MembershipId, facts.ClientId), Client, Ct);
        await Acting<RevokeClientAccessHandler>(owner).HandleAsync(new RevokeClientAccessCommand(clinician.MembershipId, facts.ClientId), Client, Ct);

        Assert.Null(await Grants.FindAsync(owner.PracticeId, clinician.MembershipId, facts.ClientId, Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<ClientAccessGate>(clinician).RequireAsync(facts.ClientId, ClientPermission.View, Client, Ct));
        var revoked = (await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged))[0];
        Assert.Equal("client-grant-revoked", revoked.Details["change"]);
        Assert.Equal("view,edit", revoked.Details["from"]);
        Assert.Equal(2, (await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged)).Count);
    }

    [Fact]
    public async Task Revoke_AnotherPracticesClient_IsNotFoundAuditedAndTheirGrantStays()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var stranger = await NewVerifiedPracticeAsync();
        var theirs = NewClient(stranger.PracticeId);
        var theirClinician = await AddMemberAsync(stranger.PracticeId, PracticeRole.Clinician);
        await Acting<GrantClientAccessHandler>(stranger).HandleAsync(new GrantClientAccessCommand(theirClinician.MembershipId, theirs.ClientId, ViewEdit), Client, Ct);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            Acting<RevokeClientAccessHandler>(owner).HandleAsync(new RevokeClientAccessCommand(clinician.MembershipId, theirs.ClientId), Client, Ct));

        Assert.NotNull(await Grants.FindAsync(stranger.PracticeId, theirClinician.MembershipId, theirs.ClientId, Ct));
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged));
        Assert.Equal((AuditResult.Denied, "unknown-client"), (denied.Result, denied.Details["reason"]));
    }

    [Fact]
    public async Task Revoke_ByClinician_IsDeniedAndTheGrantStays()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var facts = NewClient(owner.PracticeId);
        await Acting<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(clinician.MembershipId, facts.ClientId, ViewEdit), Client, Ct);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<RevokeClientAccessHandler>(clinician).HandleAsync(new RevokeClientAccessCommand(clinician.MembershipId, facts.ClientId), Client, Ct));

        Assert.NotNull(await Grants.FindAsync(owner.PracticeId, clinician.MembershipId, facts.ClientId, Ct));
    }

    [Fact]
    public async Task SetScope_AllClientsWithView_LetsTheClinicianViewEveryClientButNotEdit()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var first = NewClient(owner.PracticeId);
        var second = NewClient(owner.PracticeId);
        var viewOnly = new ClientPermissions(true, false, false, false);

        await Acting<SetMemberScopeHandler>(owner).HandleAsync(new SetMemberScopeCommand(clinician.MembershipId, ClientScope.AllClients, viewOnly), Client, Ct);

        var gate = Acting<ClientAccessGate>(clinician);
        await gate.RequireAsync(first.ClientId, ClientPermission.View, Client, Ct);
        await gate.RequireAsync(second.ClientId, ClientPermission.View, Client, Ct);
        await Assert.ThrowsAsync<AccessDeniedException>(() => gate.RequireAsync(first.ClientId, ClientPermission.Edit, Client, Ct));
        var changed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged), e => e.Result == AuditResult.Success);
        Assert.Equal("granted-only", changed.Details["fromScope"]);
        Assert.Equal("all-clients", changed.Details["toScope"]);
        Assert.Equal("view", changed.Details["toPermissions"]);
    }

    [Fact]
    public async Task SetScope_BackToGrantedOnly_StoresNoPermissionsAndSameAgainAuditsNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var handler = Acting<SetMemberScopeHandler>(owner);
        await handler.HandleAsync(new SetMemberScopeCommand(clinician.MembershipId, ClientScope.AllClients, ClientPermissions.All), Client, Ct);

        await handler.HandleAsync(new SetMemberScopeCommand(clinician.MembershipId, ClientScope.GrantedOnly, ClientPermissions.All), Client, Ct);
        await handler.HandleAsync(new SetMemberScopeCommand(clinician.MembershipId, ClientScope.GrantedOnly, ClientPermissions.None), Client, Ct);

        var membership = await MembershipAsync(clinician);
        Assert.Equal(ClientScope.GrantedOnly, membership!.ClientScope);
        Assert.Equal(ClientPermissions.None, membership.AllClientsPermissions);
        Assert.Equal(2, (await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged)).Count);
    }

    [Fact]
    public async Task SetScope_ByClinicianOnThemselves_IsDeniedAuditedAndUnchanged()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<SetMemberScopeHandler>(clinician).HandleAsync(new SetMemberScopeCommand(clinician.MembershipId, ClientScope.AllClients, ClientPermissions.All), Client, Ct));

        Assert.Equal(ClientScope.GrantedOnly, (await MembershipAsync(clinician))!.ClientScope);
        Assert.Equal(AuditResult.Denied, Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.PermissionChanged)).Result);
    }

    [Fact]
    public async Task ListClientAccess_EveryKindOfMember_ShowsEffectivePermissionsAndWhy()
    {
        var owner = await NewVerifiedPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);
        var granted = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var creator = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var outsider = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);
        var facts = NewClient(owner.PracticeId, createdBy: creator.UserId, restricted: true);
        await Acting<GrantClientAccessHandler>(owner).HandleAsync(new GrantClientAccessCommand(granted.MembershipId, facts.ClientId, ClientPermissions.All), Client, Ct);

        var entries = await Acting<ListClientAccessHandler>(admin).HandleAsync(new ListClientAccessCommand(facts.ClientId), Client, Ct);

        var byMember = entries.ToDictionary(e => e.MembershipId);
        Assert.Equal(6, entries.Count);
        var viewEditOnly = new ClientPermissions(true, true, false, false);
        Assert.Equal(viewEditOnly, byMember[owner.MembershipId].Effective);
        Assert.Equal(["owner", "restricted"], byMember[owner.MembershipId].Reasons);
        Assert.Equal(["admin", "restricted"], byMember[admin.MembershipId].Reasons);
        Assert.Equal(viewEditOnly, byMember[granted.MembershipId].Effective);
        Assert.Equal(["grant", "restricted"], byMember[granted.MembershipId].Reasons);
        Assert.NotNull(byMember[granted.MembershipId].Grant);
        Assert.Equal(viewEditOnly, byMember[creator.MembershipId].Effective);
        Assert.Equal(["creator"], byMember[creator.MembershipId].Reasons);
        Assert.Equal(ClientPermissions.None, byMember[outsider.MembershipId].Effective);
        Assert.Empty(byMember[outsider.MembershipId].Reasons);
        Assert.Equal(ClientPermissions.None, byMember[compliance.MembershipId].Effective);
        Assert.Equal(["compliance"], byMember[compliance.MembershipId].Reasons);
        Assert.True(entries.Take(4).All(e => e.Effective.View));
    }

    [Fact]
    public async Task ListClientAccess_ByClinicianOrForAnotherPracticesClient_IsRefused()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var facts = NewClient(owner.PracticeId, createdBy: clinician.UserId);
        var other = await NewVerifiedPracticeAsync();
        var theirs = NewClient(other.PracticeId);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Acting<ListClientAccessHandler>(clinician).HandleAsync(new ListClientAccessCommand(facts.ClientId), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            Acting<ListClientAccessHandler>(owner).HandleAsync(new ListClientAccessCommand(theirs.ClientId), Client, Ct));

        Assert.Equal(2, (await AuditAsync(owner.PracticeId, AuditAction.AdministrationViewed)).Count(e => e.Result == AuditResult.Denied));
    }
}
