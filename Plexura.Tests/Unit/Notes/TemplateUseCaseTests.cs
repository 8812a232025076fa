using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Memberships;
using Plexura.Core.Notes.Templates;
using Plexura.Core.Notes.Templates.ArchiveTemplate;
using Plexura.Core.Notes.Templates.ChooseSessionTemplate;
using Plexura.Core.Notes.Templates.CreateTemplate;
using Plexura.Core.Notes.Templates.ListTemplates;
using Plexura.Core.Notes.Templates.SetMyDefaultTemplate;
using Plexura.Core.Notes.Templates.UpdateTemplate;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.StartRecording;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Notes;

/// <summary>Practice templates, defaults and session choices on the real storage, gate and audit log.</summary>
public sealed class TemplateUseCaseTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    private static readonly IReadOnlyList<TemplateSectionInput> Sections =
    [
        new(null, "Check-in", "How the client arrived, in their words.", true),
        new(null, "Work done", "Techniques used.", true),
        new(null, "Next time", "", false),
    ];

    [Theory]
    [InlineData(PracticeRole.Owner)]
    [InlineData(PracticeRole.Admin)]
    public async Task Create_ByOwnerOrAdmin_StoresItAndAuditsIdsOnly(PracticeRole role)
    {
        var owner = await NewVerifiedPracticeAsync();
        var member = role == PracticeRole.Owner ? owner : await AddMemberAsync(owner.PracticeId, role);

        var template = await As<CreateTemplateHandler>(member).HandleAsync(new CreateTemplateCommand("Brief follow-up", Sections), Client, Ct);

        Assert.StartsWith("t-", template.Key, StringComparison.Ordinal);
        Assert.Equal(["check-in", "work-done", "next-time"], template.Sections.Select(s => s.Key));
        var stored = await Fixture.Get<INoteTemplateRepository>().GetAsync(owner.PracticeId, template.Id, Ct);
        Assert.Equal((template.Name, member.UserId, 0L), (stored!.Name, stored.CreatedBy, stored.Version));
        Assert.Equal(template.Sections, stored.Sections);
        var created = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Created), e => e.TargetType == PracticeTemplate.RecordType);
        Assert.Equal((AuditResult.Success, template.Key, member.UserId, "3"), (created.Result, created.TargetId, created.ActorUserId, created.Details["sections"]));
        Assert.DoesNotContain("Brief", string.Join(' ', created.Details.Values), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PracticeRole.Clinician)]
    [InlineData(PracticeRole.Compliance)]
    public async Task Create_ByClinicianOrCompliance_IsDeniedAuditedAndStoresNothing(PracticeRole role)
    {
        var owner = await NewVerifiedPracticeAsync();
        var member = await AddMemberAsync(owner.PracticeId, role);

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<CreateTemplateHandler>(member).HandleAsync(new CreateTemplateCommand("Mine", Sections), Client, Ct));

        Assert.Equal(Core.Practices.Access.PracticePolicy.NotATemplateManagerMessage, error.Message);
        Assert.Empty(await Fixture.Get<INoteTemplateRepository>().ListAsync(owner.PracticeId, Ct));
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Created), e => e.TargetType == PracticeTemplate.RecordType);
        Assert.Equal((AuditResult.Denied, "role"), (denied.Result, denied.Details["reason"]));
    }

    [Fact]
    public async Task Create_AdminWithoutSecondFactor_IsDenied()
    {
        var owner = await NewVerifiedPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin, hasMfa: false);

        await Assert.ThrowsAsync<AccessDeniedException>(() => As<CreateTemplateHandler>(admin).HandleAsync(new CreateTemplateCommand("Mine", Sections), Client, Ct));
    }

    [Fact]
    public async Task Create_FiveHundredSections_IsRefusedClearlyAuditedAsFailedAndStoresNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var sections = Enumerable.Range(0, 500).Select(i => new TemplateSectionInput(null, $"Section {i}", "", false)).ToList();

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<CreateTemplateHandler>(owner).HandleAsync(new CreateTemplateCommand("Huge", sections), Client, Ct));

        Assert.Equal(TemplateRules.TooManySectionsMessage, error.Message);
        Assert.Empty(await Fixture.Get<INoteTemplateRepository>().ListAsync(owner.PracticeId, Ct));
        var failed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Created), e => e.TargetType == PracticeTemplate.RecordType);
        Assert.Equal((AuditResult.Failed, "invalid-input"), (failed.Result, failed.Details["reason"]));
    }

    [Fact]
    public async Task Update_CurrentVersion_KeepsSectionKeysAcrossRenameAndAudits()
    {
        var owner = await NewVerifiedPracticeAsync();
        var template = await CreateAsync(owner);

        var updated = await As<UpdateTemplateHandler>(owner).HandleAsync(
            new UpdateTemplateCommand(template.Key, template.Version, "Renamed", [new("work-done", "Interventions", "New words.", false), new("check-in", "Check-in", "", true)]),
            Client,
            Ct);

        Assert.Equal((1L, "Renamed"), (updated.Version, updated.Name));
        Assert.Equal(["work-done", "check-in"], updated.Sections.Select(s => s.Key));
        Assert.Equal("Interventions", updated.Sections[0].Title);
        var audited = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Updated));
        Assert.Equal((AuditResult.Success, template.Key, "1"), (audited.Result, audited.TargetId, audited.Details["version"]));
    }

    [Fact]
    public async Task Update_StaleVersion_ConflictsAndKeepsTheOtherEdit()
    {
        var owner = await NewVerifiedPracticeAsync();
        var template = await CreateAsync(owner);
        await As<UpdateTemplateHandler>(owner).HandleAsync(new UpdateTemplateCommand(template.Key, 0, "First tab", Sections), Client, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            As<UpdateTemplateHandler>(owner).HandleAsync(new UpdateTemplateCommand(template.Key, 0, "Second tab", Sections), Client, Ct));

        Assert.Equal("First tab", (await Fixture.Get<INoteTemplateRepository>().GetAsync(owner.PracticeId, template.Id, Ct))!.Name);
    }

    [Fact]
    public async Task UpdateAndArchive_AnotherPracticesTemplate_AreNotFoundAuditedAndChangeNothing()
    {
        var mine = await NewVerifiedPracticeAsync();
        var theirs = await NewVerifiedPracticeAsync();
        var template = await CreateAsync(theirs);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<UpdateTemplateHandler>(mine).HandleAsync(new UpdateTemplateCommand(template.Key, 0, "Taken", Sections), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<ArchiveTemplateHandler>(mine).HandleAsync(new ArchiveTemplateCommand(template.Key, 0), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<UpdateTemplateHandler>(mine).HandleAsync(new UpdateTemplateCommand("t-rubbish", 0, "Taken", Sections), Client, Ct));

        var stored = await Fixture.Get<INoteTemplateRepository>().GetAsync(theirs.PracticeId, template.Id, Ct);
        Assert.Equal((0L, false), (stored!.Version, stored.IsArchived));
        var denied = (await AuditAsync(mine.PracticeId)).Where(e => e.Result == AuditResult.Denied).ToList();
        Assert.Equal(3, denied.Count);
        Assert.All(denied, e => Assert.Equal("unknown-note template", e.Details["reason"]));
        Assert.Contains(denied, e => e.TargetId == "invalid-key");
        Assert.Null(await Fixture.Get<INoteTemplateCatalog>().FindAsync(mine.PracticeId, template.Key, Ct));
    }

    [Fact]
    public async Task UpdateAndArchive_BuiltIn_AreRefused()
    {
        var owner = await NewVerifiedPracticeAsync();

        Assert.Equal(UpdateTemplateHandler.BuiltInMessage, (await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<UpdateTemplateHandler>(owner).HandleAsync(new UpdateTemplateCommand("soap", 0, "Mine", Sections), Client, Ct))).Message);
        Assert.Equal(ArchiveTemplateHandler.BuiltInMessage, (await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<ArchiveTemplateHandler>(owner).HandleAsync(new ArchiveTemplateCommand("soap", 0), Client, Ct))).Message);
    }

    [Fact]
    public async Task Archive_HidesItFromNewNotesButKeepsItFindable_AndIsAuditedOnce()
    {
        var owner = await NewVerifiedPracticeAsync();
        var template = await CreateAsync(owner);

        var archived = await As<ArchiveTemplateHandler>(owner).HandleAsync(new ArchiveTemplateCommand(template.Key, 0), Client, Ct);
        await As<ArchiveTemplateHandler>(owner).HandleAsync(new ArchiveTemplateCommand(template.Key, 0), Client, Ct);

        Assert.True(archived.IsArchived);
        var active = await As<ListTemplatesHandler>(owner).HandleAsync(new ListTemplatesQuery(), Client, Ct);
        Assert.DoesNotContain(active.Templates, c => c.Template.Key == template.Key);
        Assert.Equal(BuiltInTemplates.All.Select(t => t.Key), active.Templates.Select(c => c.Template.Key));
        var all = await As<ListTemplatesHandler>(owner).HandleAsync(new ListTemplatesQuery(IncludeArchived: true), Client, Ct);
        Assert.True(Assert.Single(all.Templates, c => c.Template.Key == template.Key).IsArchived);
        Assert.Equal("Brief follow-up", (await Fixture.Get<INoteTemplateCatalog>().FindAsync(owner.PracticeId, template.Key, Ct))!.Name);
        var deleted = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Deleted));
        Assert.Equal((template.Key, "archived"), (deleted.TargetId, deleted.Details["change"]));
        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<UpdateTemplateHandler>(owner).HandleAsync(new UpdateTemplateCommand(template.Key, 1, "Again", Sections), Client, Ct));
    }

    [Fact]
    public async Task List_ByClinician_ShowsBuiltInsThenPracticeTemplatesAndTheirDefault()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician, hasMfa: false);
        var template = await CreateAsync(owner);

        var choices = await As<ListTemplatesHandler>(clinician).HandleAsync(new ListTemplatesQuery(), Client, Ct);

        Assert.Equal([.. BuiltInTemplates.All.Select(t => t.Key), template.Key], choices.Templates.Select(c => c.Template.Key));
        Assert.Equal("progress", choices.DefaultKey);
    }

    [Fact]
    public async Task SetMyDefault_ByClinician_IsStoredAuditedAndUsedForTheirSessions()
    {
        var owner = await NewVerifiedPracticeAsync();
        var template = await CreateAsync(owner);
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician, hasMfa: false);

        await As<SetMyDefaultTemplateHandler>(clinician).HandleAsync(new SetMyDefaultTemplateCommand(template.Key), Client, Ct);
        await As<SetMyDefaultTemplateHandler>(clinician).HandleAsync(new SetMyDefaultTemplateCommand(template.Key), Client, Ct);

        Assert.Equal(template.Key, (await As<ListTemplatesHandler>(clinician).HandleAsync(new ListTemplatesQuery(), Client, Ct)).DefaultKey);
        Assert.Equal("progress", (await As<ListTemplatesHandler>(owner).HandleAsync(new ListTemplatesQuery(), Client, Ct)).DefaultKey);
        var changed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged));
        Assert.Equal(("default-template", "progress", template.Key, clinician.UserId.ToString()), (changed.Details["setting"], changed.Details["from"], changed.Details["to"], changed.TargetId));
        var session = NewSession(owner.PracticeId, clinician.UserId);
        Assert.Equal(template.Key, (await Fixture.Get<INoteTemplateCatalog>().ForSessionAsync(owner.PracticeId, session, Ct)).Key);
    }

    [Fact]
    public async Task SetMyDefault_ArchivedIsRefused_OtherPracticesOrUnknownIsNotFoundAndAudited()
    {
        var owner = await NewVerifiedPracticeAsync();
        var other = await NewVerifiedPracticeAsync();
        var archived = await CreateAsync(owner);
        await As<ArchiveTemplateHandler>(owner).HandleAsync(new ArchiveTemplateCommand(archived.Key, 0), Client, Ct);
        var theirs = await CreateAsync(other);

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<SetMyDefaultTemplateHandler>(owner).HandleAsync(new SetMyDefaultTemplateCommand(archived.Key), Client, Ct));
        Assert.Equal(TemplateRules.ArchivedMessage, error.Message);
        foreach (var key in new[] { theirs.Key, "nonsense" })
        {
            await Assert.ThrowsAsync<RecordNotFoundException>(() =>
                As<SetMyDefaultTemplateHandler>(owner).HandleAsync(new SetMyDefaultTemplateCommand(key), Client, Ct));
        }

        var denied = (await AuditAsync(owner.PracticeId, AuditAction.SettingsChanged)).Where(e => e.Result == AuditResult.Denied).ToList();
        Assert.Equal([theirs.Key, "invalid-key"], denied.Select(e => e.TargetId).Reverse());
        Assert.Null(await Fixture.Get<INotePreferenceRepository>().GetAsync(owner.PracticeId, owner.UserId, Ct));
    }

    [Fact]
    public async Task ForSession_ChoiceThenDefaultThenProgress_SkippingArchived()
    {
        var owner = await NewVerifiedPracticeAsync();
        var chosen = await CreateAsync(owner);
        var catalog = Fixture.Get<INoteTemplateCatalog>();
        await As<SetMyDefaultTemplateHandler>(owner).HandleAsync(new SetMyDefaultTemplateCommand("soap"), Client, Ct);
        var session = NewSession(owner.PracticeId, owner.UserId);

        Assert.Equal("soap", (await catalog.ForSessionAsync(owner.PracticeId, session, Ct)).Key);
        Assert.Equal(chosen.Key, (await catalog.ForSessionAsync(owner.PracticeId, session with { TemplateKey = chosen.Key }, Ct)).Key);
        await As<ArchiveTemplateHandler>(owner).HandleAsync(new ArchiveTemplateCommand(chosen.Key, 0), Client, Ct);
        Assert.Equal("soap", (await catalog.ForSessionAsync(owner.PracticeId, session with { TemplateKey = chosen.Key }, Ct)).Key);
        Assert.Equal("progress", (await catalog.ForSessionAsync(owner.PracticeId, session with { ClinicianUserId = UserId.New() }, Ct)).Key);
        Assert.IsType<StoredTemplateCatalog>(catalog);
    }

    [Fact]
    public async Task ChooseSessionTemplate_ByTheSessionsClinician_IsStoredAuditedAndClearable()
    {
        var owner = await NewVerifiedPracticeAsync();
        var sessionId = await NewRecordedSessionAsync(owner);

        var session = await As<ChooseSessionTemplateHandler>(owner).HandleAsync(new ChooseSessionTemplateCommand(sessionId, "dap"), Client, Ct);

        Assert.Equal("dap", session.TemplateKey);
        Assert.Equal("dap", (await Fixture.Get<IClinicalSessionRepository>().GetAsync(owner.PracticeId, sessionId, Ct))!.TemplateKey);
        Assert.Equal("dap", (await Fixture.Get<INoteTemplateCatalog>().ForSessionAsync(owner.PracticeId, session, Ct)).Key);
        var audited = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.Updated), e => e.TargetType == StartRecordingHandler.TargetType);
        Assert.Equal((AuditResult.Success, "template", "dap", sessionId.ToString()), (audited.Result, audited.Details["change"], audited.Details["template"], audited.TargetId));

        var cleared = await As<ChooseSessionTemplateHandler>(owner).HandleAsync(new ChooseSessionTemplateCommand(sessionId, null), Client, Ct);
        Assert.Null(cleared.TemplateKey);
    }

    [Fact]
    public async Task ChooseSessionTemplate_ClinicianWithoutAccessToTheClient_IsDeniedAndChangesNothing()
    {
        var owner = await NewVerifiedPracticeAsync();
        var sessionId = await NewRecordedSessionAsync(owner);
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician, hasMfa: false);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<ChooseSessionTemplateHandler>(clinician).HandleAsync(new ChooseSessionTemplateCommand(sessionId, "dap"), Client, Ct));

        Assert.Null((await Fixture.Get<IClinicalSessionRepository>().GetAsync(owner.PracticeId, sessionId, Ct))!.TemplateKey);
        Assert.Contains(await AuditAsync(owner.PracticeId), e => e.Result == AuditResult.Denied && e.ActorUserId == clinician.UserId);
    }

    [Fact]
    public async Task ChooseSessionTemplate_AnotherPracticesSession_IsNotFoundAndAudited()
    {
        var owner = await NewVerifiedPracticeAsync();
        var sessionId = await NewRecordedSessionAsync(owner);
        var stranger = await NewVerifiedPracticeAsync();

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<ChooseSessionTemplateHandler>(stranger).HandleAsync(new ChooseSessionTemplateCommand(sessionId, "dap"), Client, Ct));

        Assert.Null((await Fixture.Get<IClinicalSessionRepository>().GetAsync(owner.PracticeId, sessionId, Ct))!.TemplateKey);
        var denied = Assert.Single(await AuditAsync(stranger.PracticeId, AuditAction.Updated));
        Assert.Equal((AuditResult.Denied, "unknown-session", sessionId.ToString()), (denied.Result, denied.Details["reason"], denied.TargetId));
    }

    [Fact]
    public async Task ChooseSessionTemplate_ArchivedTemplate_IsRefused()
    {
        var owner = await NewVerifiedPracticeAsync();
        var sessionId = await NewRecordedSessionAsync(owner);
        var template = await CreateAsync(owner);
        await As<ArchiveTemplateHandler>(owner).HandleAsync(new ArchiveTemplateCommand(template.Key, 0), Client, Ct);

        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<ChooseSessionTemplateHandler>(owner).HandleAsync(new ChooseSessionTemplateCommand(sessionId, template.Key), Client, Ct));

        Assert.Null((await Fixture.Get<IClinicalSessionRepository>().GetAsync(owner.PracticeId, sessionId, Ct))!.TemplateKey);
    }

    private Task<PracticeTemplate> CreateAsync(Member manager) =>
        As<CreateTemplateHandler>(manager).HandleAsync(new CreateTemplateCommand("Brief follow-up", Sections), Client, Ct);

    private ClinicalSession NewSession(PracticeId practiceId, UserId clinician) =>
        new(ClinicalSessionId.New(), practiceId, ClientId.New(), clinician, Now, ClinicalSessionStatus.Transcribed, []);

    private async Task<ClinicalSessionId> NewRecordedSessionAsync(Member owner)
    {
        var clientId = await As<CreateClientHandler>(owner).HandleAsync(
            new CreateClientCommand(new ClientDetails("Dana Reyes", new DateOnly(1990, 4, 2), "she/her")), Client, Ct);
        foreach (var kind in new[] { ConsentKind.Recording, ConsentKind.AiProcessing })
        {
            await As<RecordConsentHandler>(owner).HandleAsync(new RecordConsentCommand(clientId, new ConsentDetails(kind, ConsentMethod.Verbal, Now)), Client, Ct);
        }

        return await As<StartRecordingHandler>(owner).HandleAsync(new StartRecordingCommand(clientId), Client, Ct);
    }
}
