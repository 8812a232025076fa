using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;
using Plexura.Core.Practices.SetPracticeTimeZone;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Practices;

/// <summary>Changing the practice's time zone: owners with a second factor, a known zone, audited.</summary>
public sealed class SetPracticeTimeZoneHandlerTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    [Fact]
    public async Task Set_ByOwnerWithMfa_StoresTheZoneAndAuditsTheChange()
    {
        var owner = await NewPracticeAsync();

        await As<SetPracticeTimeZoneHandler>(owner).HandleAsync(new SetPracticeTimeZoneCommand("America/New_York"), Client, Ct);

        Assert.Equal("America/New_York", (await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.TimeZoneId);
        var changed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged));
        Assert.Equal((AuditResult.Success, "time-zone", "UTC", "America/New_York"), (changed.Result, changed.Details["setting"], changed.Details["from"], changed.Details["to"]));
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData("<b>UTC</b>")]
    public async Task Set_UnknownZone_IsRefusedAndStoresNothing(string zone)
    {
        var owner = await NewPracticeAsync();

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<SetPracticeTimeZoneHandler>(owner).HandleAsync(new SetPracticeTimeZoneCommand(zone), Client, Ct));

        Assert.Equal(PracticeTimeZone.UnknownZoneMessage, error.Message);
        var practice = (await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!;
        Assert.Equal((PracticeTimeZone.Default, 0L), (practice.TimeZoneId, practice.Version));
        Assert.Empty(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged));
    }

    [Fact]
    public async Task Set_ByAdmin_IsDeniedAndAudited()
    {
        var owner = await NewPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<SetPracticeTimeZoneHandler>(admin).HandleAsync(new SetPracticeTimeZoneCommand("Europe/London"), Client, Ct));

        Assert.Equal(PracticePolicy.SettingsNotDelegatedMessage, error.Message);
        Assert.Equal(PracticeTimeZone.Default, (await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.TimeZoneId);
        Assert.Equal(AuditResult.Denied, Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged)).Result);
    }

    [Fact]
    public async Task Set_ByOwnerWithoutMfa_IsDenied()
    {
        var owner = await NewPracticeAsync(ownerHasMfa: false);

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<SetPracticeTimeZoneHandler>(owner).HandleAsync(new SetPracticeTimeZoneCommand("Europe/London"), Client, Ct));

        Assert.Equal(PracticePolicy.ManagerNeedsMfaMessage, error.Message);
    }

    [Fact]
    public async Task Set_SameZoneAgain_ChangesAndAuditsNothing()
    {
        var owner = await NewPracticeAsync();

        await As<SetPracticeTimeZoneHandler>(owner).HandleAsync(new SetPracticeTimeZoneCommand(PracticeTimeZone.Default), Client, Ct);

        Assert.Equal(0, (await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.Version);
        Assert.Empty(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged));
    }
}
