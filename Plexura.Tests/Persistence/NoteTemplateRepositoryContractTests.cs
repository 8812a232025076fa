using Plexura.Core.Common;
using Plexura.Core.Notes.Templates;
using Plexura.Core.Practices;
using Plexura.Core.Sessions;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The note template and note preference storage contract: every engine must pass exactly these tests.</summary>
public abstract class NoteTemplateRepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private INoteTemplateRepository Templates => fixture.Get<INoteTemplateRepository>();

    private INotePreferenceRepository Preferences => fixture.Get<INotePreferenceRepository>();

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [EngineFact]
    public async Task TemplateAdd_ThenGetAndList_RoundTripsSectionsInOrder()
    {
        var practice = await NewPracticeAsync();
        var first = await NewTemplateAsync(practice, "First");
        var second = await NewTemplateAsync(practice, "Second");

        var stored = await Templates.GetAsync(practice, first.Id, Ct);

        Assert.NotNull(stored);
        Assert.Equal((first.Name, first.CreatedBy, first.CreatedAt, 0L), (stored.Name, stored.CreatedBy, stored.CreatedAt, stored.Version));
        Assert.Equal(first.Sections, stored.Sections);
        Assert.Null(stored.ArchivedAt);
        Assert.Equal(new[] { first.Id.Value, second.Id.Value }.Order(), (await Templates.ListAsync(practice, Ct)).Select(t => t.Id.Value).Order());
    }

    [EngineFact]
    public async Task TemplateUpdate_CurrentThenStale_IncrementsThenConflicts()
    {
        var practice = await NewPracticeAsync();
        var template = await NewTemplateAsync(practice, "T");

        var archived = await Templates.UpdateAsync(practice, template with { ArchivedAt = Now }, Ct);

        Assert.Equal(1, archived.Version);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Templates.UpdateAsync(practice, template with { Name = "Stale" }, Ct));
        var stored = await Templates.GetAsync(practice, template.Id, Ct);
        Assert.Equal(("T", true), (stored!.Name, stored.IsArchived));
    }

    [EngineFact]
    public async Task Template_FromAnotherPractice_IsNotFound()
    {
        var mine = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = await NewTemplateAsync(other, "Theirs");

        Assert.Null(await Templates.GetAsync(mine, theirs.Id, Ct));
        Assert.Empty(await Templates.ListAsync(mine, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => Templates.UpdateAsync(mine, theirs with { PracticeId = mine, Name = "Taken" }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Templates.UpdateAsync(mine, theirs with { Name = "Taken" }, Ct));
        Assert.Equal("Theirs", (await Templates.GetAsync(other, theirs.Id, Ct))!.Name);
    }

    [EngineFact]
    public async Task Preference_AddGetUpdate_OnePerMemberAndPractice()
    {
        var practice = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var user = UserId.New();
        var preference = new NotePreference(NotePreference.IdOf(practice, user), practice, user, "soap");

        Assert.Null(await Preferences.GetAsync(practice, user, Ct));
        await Preferences.AddAsync(practice, preference, Ct);
        await Assert.ThrowsAsync<DuplicateRecordException>(() => Preferences.AddAsync(practice, preference with { DefaultTemplateKey = "dap" }, Ct));
        await Preferences.AddAsync(other, new NotePreference(NotePreference.IdOf(other, user), other, user, "girp"), Ct);

        var updated = await Preferences.UpdateAsync(practice, preference with { DefaultTemplateKey = null }, Ct);

        Assert.Equal(1, updated.Version);
        Assert.Null((await Preferences.GetAsync(practice, user, Ct))!.DefaultTemplateKey);
        Assert.Equal("girp", (await Preferences.GetAsync(other, user, Ct))!.DefaultTemplateKey);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Preferences.UpdateAsync(practice, preference with { DefaultTemplateKey = "birp" }, Ct));
    }

    [EngineFact]
    public async Task ClinicalSession_TemplateKey_RoundTripsAndDefaultsToNull()
    {
        var practice = await NewPracticeAsync();
        var sessions = fixture.Get<IClinicalSessionRepository>();
        var session = new ClinicalSession(ClinicalSessionId.New(), practice, ClientId.New(), UserId.New(), Now, ClinicalSessionStatus.Recording, []);
        await sessions.AddAsync(practice, session, Ct);

        Assert.Null((await sessions.GetAsync(practice, session.Id, Ct))!.TemplateKey);
        await sessions.UpdateAsync(practice, session with { TemplateKey = "birp" }, Ct);
        Assert.Equal("birp", (await sessions.GetAsync(practice, session.Id, Ct))!.TemplateKey);
    }

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = new Practice(PracticeId.New(), "Practice", Now);
        await fixture.Get<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        return practice.Id;
    }

    private async Task<PracticeTemplate> NewTemplateAsync(PracticeId practiceId, string name)
    {
        var template = new PracticeTemplate(
            NoteTemplateId.New(),
            practiceId,
            name,
            [new("check-in", "Check-in", "How they arrived.\nIn their words.", true), new("plan", "Plan", string.Empty, false)],
            UserId.New(),
            Now);
        await Templates.AddAsync(practiceId, template, Ct);
        return template;
    }
}

public sealed class SqliteNoteTemplateRepositoryContractTests(SqliteStorageFixture fixture)
    : NoteTemplateRepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoNoteTemplateRepositoryContractTests(MongoStorageFixture fixture)
    : NoteTemplateRepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
