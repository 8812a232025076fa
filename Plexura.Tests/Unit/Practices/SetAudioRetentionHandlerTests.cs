using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Practices.SetAudioRetention;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Practices;

/// <summary>Choosing how long raw audio is kept: owners with a second factor, one of the four choices, audited.</summary>
public sealed class SetAudioRetentionHandlerTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    [Fact]
    public async Task NewPractice_KeepsNoAudio()
    {
        var owner = await NewPracticeAsync();

        var practice = (await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!;

        Assert.Equal(AudioRetention.None, practice.AudioRetention);
        Assert.Equal(TimeSpan.Zero, practice.AudioRetention.KeepFor());
    }

    [Theory]
    [InlineData(AudioRetention.OneDay, "1-day", 1)]
    [InlineData(AudioRetention.SevenDays, "7-days", 7)]
    [InlineData(AudioRetention.ThirtyDays, "30-days", 30)]
    public async Task Set_ByOwnerWithMfa_StoresTheChoiceAndAuditsTheChange(AudioRetention retention, string code, int days)
    {
        var owner = await NewPracticeAsync();

        await As<SetAudioRetentionHandler>(owner).HandleAsync(new SetAudioRetentionCommand(retention), Client, Ct);

        var practice = (await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!;
        Assert.Equal((retention, TimeSpan.FromDays(days)), (practice.AudioRetention, practice.AudioRetention.KeepFor()));
        var changed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged));
        Assert.Equal((AuditResult.Success, "audio-retention", "none", code), (changed.Result, changed.Details["setting"], changed.Details["from"], changed.Details["to"]));
    }

    [Fact]
    public async Task Set_SameChoiceAgain_ChangesAndAuditsNothing()
    {
        var owner = await NewPracticeAsync();

        await As<SetAudioRetentionHandler>(owner).HandleAsync(new SetAudioRetentionCommand(AudioRetention.None), Client, Ct);

        Assert.Equal(0L, (await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.Version);
        Assert.Empty(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged));
    }

    [Fact]
    public async Task Set_UndefinedValue_IsRefusedAndStoresNothing()
    {
        var owner = await NewPracticeAsync();

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<SetAudioRetentionHandler>(owner).HandleAsync(new SetAudioRetentionCommand((AudioRetention)42), Client, Ct));

        Assert.Equal(SetAudioRetentionHandler.UnknownChoiceMessage, error.Message);
        Assert.Equal(AudioRetention.None, (await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.AudioRetention);
        Assert.Empty(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged));
    }

    [Theory]
    [InlineData(PracticeRole.Admin)]
    [InlineData(PracticeRole.Clinician)]
    [InlineData(PracticeRole.Compliance)]
    public async Task Set_ByAnyoneButTheOwner_IsDeniedAndAudited(PracticeRole role)
    {
        var owner = await NewPracticeAsync();
        var member = await AddMemberAsync(owner.PracticeId, role);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<SetAudioRetentionHandler>(member).HandleAsync(new SetAudioRetentionCommand(AudioRetention.ThirtyDays), Client, Ct));

        Assert.Equal(AudioRetention.None, (await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.AudioRetention);
        Assert.Equal(AuditResult.Denied, Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged)).Result);
    }
}
