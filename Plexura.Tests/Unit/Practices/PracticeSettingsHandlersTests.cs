using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Notes.Templates;
using Plexura.Core.Notes.Templates.ArchiveTemplate;
using Plexura.Core.Notes.Templates.CreateTemplate;
using Plexura.Core.Notes.Templates.SetMyDefaultTemplate;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;
using Plexura.Core.Practices.ChangeSettings;
using Plexura.Core.Practices.SetPracticeTimeZone;
using Plexura.Core.Sessions;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Practices;

/// <summary>The practice settings page's use cases: each change stored, audited as a settings change, and refused clearly.</summary>
public sealed class PracticeSettingsHandlersTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    [Fact]
    public async Task EachSetting_ByOwner_IsStoredAndAuditedWithItsCodes()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var hours = new WorkingHours([DayOfWeek.Friday, DayOfWeek.Monday], new TimeOnly(9, 0), new TimeOnly(17, 30));

        await As<SetPracticeNameHandler>(owner).HandleAsync(new SetPracticeNameCommand("  Harbor Family Therapy "), Client, Ct);
        await As<SetWorkingHoursHandler>(owner).HandleAsync(new SetWorkingHoursCommand(hours), Client, Ct);
        await As<SetPracticeDefaultTemplateHandler>(owner).HandleAsync(new SetPracticeDefaultTemplateCommand("soap"), Client, Ct);
        await As<SetEmergencyAccessMembersHandler>(owner).HandleAsync(new SetEmergencyAccessMembersCommand([clinician.UserId, clinician.UserId]), Client, Ct);
        await As<SetEmergencyAccessMinutesHandler>(owner).HandleAsync(new SetEmergencyAccessMinutesCommand(45), Client, Ct);
        await As<SetAdminsManageSettingsHandler>(owner).HandleAsync(new SetAdminsManageSettingsCommand(true), Client, Ct);

        var practice = (await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!;
        Assert.Equal("Harbor Family Therapy", practice.Name);
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Friday], practice.WorkingHours!.Days);
        Assert.Equal(("soap", 45, true), (practice.DefaultTemplateKey, practice.EmergencyAccessMinutes, practice.AdminsManageSettings));
        Assert.Equal([clinician.UserId], practice.EmergencyAccessMembers);
        var changes = (await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged)).Reverse().ToList();
        Assert.Equal(
            ["name", "working-hours", "default-template", "emergency-members", "emergency-minutes", "admins-manage-settings"],
            changes.Select(e => e.Details["setting"]));
        Assert.Equal("mon,fri@09:00-17:30", changes[1].Details["to"]);
        Assert.Equal(("progress", "soap"), (changes[2].Details["from"], changes[2].Details["to"]));
        Assert.Equal(clinician.UserId.ToString(), changes[3].Details["to"]);
        Assert.All(changes, e => Assert.Equal(AuditResult.Success, e.Result));

        await As<SetWorkingHoursHandler>(owner).HandleAsync(new SetWorkingHoursCommand(null), Client, Ct);
        Assert.Null((await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.WorkingHours);
    }

    [Fact]
    public async Task BadInput_IsRefusedClearlyAndChangesNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);
        var before = await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct);

        await Assert.ThrowsAsync<ValidationFailedException>(() => As<SetPracticeNameHandler>(owner).HandleAsync(new SetPracticeNameCommand(" "), Client, Ct));
        await Assert.ThrowsAsync<ValidationFailedException>(() => As<SetPracticeNameHandler>(owner).HandleAsync(new SetPracticeNameCommand(new string('a', 201)), Client, Ct));
        var hours = await Assert.ThrowsAsync<ValidationFailedException>(() => As<SetWorkingHoursHandler>(owner).HandleAsync(
            new SetWorkingHoursCommand(new WorkingHours([DayOfWeek.Monday], new TimeOnly(18, 0), new TimeOnly(8, 0))), Client, Ct));
        Assert.Equal(PracticeSettingRules.HoursInvalidMessage, hours.Message);
        await Assert.ThrowsAsync<ValidationFailedException>(() => As<SetWorkingHoursHandler>(owner).HandleAsync(
            new SetWorkingHoursCommand(new WorkingHours([], new TimeOnly(8, 0), new TimeOnly(18, 0))), Client, Ct));
        foreach (var minutes in new[] { 4, 481, -1, int.MaxValue })
        {
            var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
                As<SetEmergencyAccessMinutesHandler>(owner).HandleAsync(new SetEmergencyAccessMinutesCommand(minutes), Client, Ct));
            Assert.Equal(PracticeSettingRules.MinutesOutOfRangeMessage, error.Message);
        }

        var notMember = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<SetEmergencyAccessMembersHandler>(owner).HandleAsync(new SetEmergencyAccessMembersCommand([UserId.New()]), Client, Ct));
        Assert.Equal(SetEmergencyAccessMembersHandler.NotAMemberMessage, notMember.Message);
        foreach (var member in new[] { admin, compliance })
        {
            var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
                As<SetEmergencyAccessMembersHandler>(owner).HandleAsync(new SetEmergencyAccessMembersCommand([member.UserId]), Client, Ct));
            Assert.Equal(PracticeSettingRules.NotAClinicianMessage, error.Message);
        }

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<SetPracticeDefaultTemplateHandler>(owner).HandleAsync(new SetPracticeDefaultTemplateCommand("t-" + Guid.NewGuid()), Client, Ct));

        Assert.Equal(before, await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct));
        Assert.DoesNotContain(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged), e => e.Result == AuditResult.Success);
    }

    [Fact]
    public async Task Admin_WithoutDelegation_IsDenied_WithDelegation_ChangesSettingsButNeverTheDelegation()
    {
        var owner = await NewVerifiedPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);

        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<SetPracticeNameHandler>(admin).HandleAsync(new SetPracticeNameCommand("Admin's name"), Client, Ct));
        Assert.Equal(PracticePolicy.SettingsNotDelegatedMessage, refused.Message);
        await Assert.ThrowsAsync<AccessDeniedException>(() => As<GetPracticeSettingsHandler>(admin).HandleAsync(new GetPracticeSettingsQuery(), Client, Ct));

        await As<SetAdminsManageSettingsHandler>(owner).HandleAsync(new SetAdminsManageSettingsCommand(true), Client, Ct);

        await As<SetPracticeNameHandler>(admin).HandleAsync(new SetPracticeNameCommand("Admin's name"), Client, Ct);
        await As<SetPracticeTimeZoneHandler>(admin).HandleAsync(new SetPracticeTimeZoneCommand("Europe/London"), Client, Ct);
        var view = await As<GetPracticeSettingsHandler>(admin).HandleAsync(new GetPracticeSettingsQuery(), Client, Ct);
        Assert.Equal(("Admin's name", "Europe/London", true, false), (view.Name, view.TimeZoneId, view.AdminsManageSettings, view.CanChangeDelegation));
        var delegation = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<SetAdminsManageSettingsHandler>(admin).HandleAsync(new SetAdminsManageSettingsCommand(false), Client, Ct));
        Assert.Equal(PracticePolicy.OnlyOwnersDelegateMessage, delegation.Message);
        Assert.True((await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.AdminsManageSettings);
        Assert.Contains(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged), e => e.Result == AuditResult.Denied && e.ActorUserId == admin.UserId);
    }

    [Theory]
    [InlineData(PracticeRole.Clinician)]
    [InlineData(PracticeRole.Compliance)]
    public async Task NonManagers_AreDeniedEvenWhenAdminsManageSettings(PracticeRole role)
    {
        var owner = await NewVerifiedPracticeAsync();
        var member = await AddMemberAsync(owner.PracticeId, role);
        await As<SetAdminsManageSettingsHandler>(owner).HandleAsync(new SetAdminsManageSettingsCommand(true), Client, Ct);

        await Assert.ThrowsAsync<AccessDeniedException>(() => As<SetEmergencyAccessMinutesHandler>(member).HandleAsync(new SetEmergencyAccessMinutesCommand(30), Client, Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => As<SetEmergencyAccessMembersHandler>(member).HandleAsync(new SetEmergencyAccessMembersCommand([member.UserId]), Client, Ct));

        Assert.Equal(Practice.DefaultEmergencyAccessMinutes, (await Fixture.Get<IPracticeRepository>().GetAsync(owner.PracticeId, Ct))!.EmergencyAccessMinutes);
    }

    [Fact]
    public async Task TemplateCatalog_SessionChoiceThenClinicianDefaultThenPracticeDefaultThenProgress()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var practiceTemplate = await As<CreateTemplateHandler>(owner).HandleAsync(new CreateTemplateCommand("House style", [new(null, "Plan", "", true)]), Client, Ct);
        var catalog = Fixture.Get<INoteTemplateCatalog>();
        var session = new ClinicalSession(ClinicalSessionId.New(), owner.PracticeId, ClientId.New(), clinician.UserId, Now, ClinicalSessionStatus.Transcribed, []);

        Assert.Equal("progress", (await catalog.ForSessionAsync(owner.PracticeId, session, Ct)).Key);
        await As<SetPracticeDefaultTemplateHandler>(owner).HandleAsync(new SetPracticeDefaultTemplateCommand(practiceTemplate.Key), Client, Ct);
        Assert.Equal(practiceTemplate.Key, (await catalog.ForSessionAsync(owner.PracticeId, session, Ct)).Key);
        await As<SetMyDefaultTemplateHandler>(clinician).HandleAsync(new SetMyDefaultTemplateCommand("dap"), Client, Ct);
        Assert.Equal("dap", (await catalog.ForSessionAsync(owner.PracticeId, session, Ct)).Key);
        Assert.Equal("soap", (await catalog.ForSessionAsync(owner.PracticeId, session with { TemplateKey = "soap" }, Ct)).Key);
        Assert.Equal(practiceTemplate.Key, (await catalog.ForSessionAsync(owner.PracticeId, session with { ClinicianUserId = UserId.New() }, Ct)).Key);

        await As<ArchiveTemplateHandler>(owner).HandleAsync(new ArchiveTemplateCommand(practiceTemplate.Key, 0), Client, Ct);
        Assert.Equal("progress", (await catalog.ForSessionAsync(owner.PracticeId, session with { ClinicianUserId = UserId.New() }, Ct)).Key);
        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<SetPracticeDefaultTemplateHandler>(owner).HandleAsync(new SetPracticeDefaultTemplateCommand(practiceTemplate.Key), Client, Ct));
    }
}
