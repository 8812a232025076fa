using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;
using Plexura.Core.Practices.SetPracticeMfaRequirement;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Practices;

/// <summary>Requiring two-step sign-in of every member: owners and admins with a second factor, audited.</summary>
public sealed class SetPracticeMfaRequirementHandlerTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    [Fact]
    public async Task Set_ByOwnerWithMfa_StoresTheSettingAndAuditsIt()
    {
        var owner = await NewPracticeAsync();

        await As<SetPracticeMfaRequirementHandler>(owner).HandleAsync(new SetPracticeMfaRequirementCommand(true), Client, Ct);

        Assert.True((await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.RequireMfaForAllMembers);
        var changed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged));
        Assert.Equal(AuditResult.Success, changed.Result);
        Assert.Equal(owner.UserId, changed.ActorUserId);
        Assert.Equal("require-mfa", changed.Details["setting"]);
        Assert.Equal("false", changed.Details["from"]);
        Assert.Equal("true", changed.Details["to"]);
    }

    [Fact]
    public async Task Set_ByAdminWithMfaThenOff_StoresEachChange()
    {
        var owner = await NewPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);

        await As<SetPracticeMfaRequirementHandler>(admin).HandleAsync(new SetPracticeMfaRequirementCommand(true), Client, Ct);
        await As<SetPracticeMfaRequirementHandler>(admin).HandleAsync(new SetPracticeMfaRequirementCommand(false), Client, Ct);

        Assert.False((await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.RequireMfaForAllMembers);
        Assert.Equal(2, (await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged)).Count);
    }

    [Fact]
    public async Task Set_SameValueAgain_ChangesAndAuditsNothing()
    {
        var owner = await NewPracticeAsync();

        await As<SetPracticeMfaRequirementHandler>(owner).HandleAsync(new SetPracticeMfaRequirementCommand(false), Client, Ct);

        Assert.Equal(0, (await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.Version);
        Assert.Empty(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged));
    }

    [Theory]
    [InlineData(PracticeRole.Clinician, true, PracticePolicy.NotASettingsManagerMessage)]
    [InlineData(PracticeRole.Compliance, true, PracticePolicy.NotASettingsManagerMessage)]
    [InlineData(PracticeRole.Admin, false, PracticePolicy.ManagerNeedsMfaMessage)]
    public async Task Set_ByMemberNotAllowed_ThrowsAccessDeniedAndAuditsDenied(PracticeRole role, bool hasMfa, string message)
    {
        var owner = await NewPracticeAsync();
        var member = await AddMemberAsync(owner.PracticeId, role, hasMfa);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<SetPracticeMfaRequirementHandler>(member).HandleAsync(new SetPracticeMfaRequirementCommand(true), Client, Ct));

        Assert.Equal(message, ex.Message);
        Assert.False((await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.RequireMfaForAllMembers);
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged));
        Assert.Equal(AuditResult.Denied, denied.Result);
        Assert.Equal(member.UserId, denied.ActorUserId);
    }

    [Fact]
    public async Task Set_ByOwnerWithoutMfa_ThrowsAccessDenied()
    {
        var owner = await NewPracticeAsync(ownerHasMfa: false);

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<SetPracticeMfaRequirementHandler>(owner).HandleAsync(new SetPracticeMfaRequirementCommand(true), Client, Ct));

        Assert.Equal(PracticePolicy.ManagerNeedsMfaMessage, ex.Message);
    }
}
