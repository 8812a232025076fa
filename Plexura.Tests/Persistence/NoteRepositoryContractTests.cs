using Plexura.Core.Common;
using Plexura.Core.Notes;
using Plexura.Core.Practices;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The note storage contract: every engine must pass exactly these tests.</summary>
public abstract class NoteRepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private INoteRepository Notes => fixture.Get<INoteRepository>();

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [EngineFact]
    public async Task Add_ThenGet_ReturnsTheNoteAndItsFirstVersion()
    {
        var practice = await NewPracticeAsync();
        var (note, first) = NewNote(practice, ClinicalSessionId.New());

        Assert.True(await Notes.TryAddAsync(practice, note, first, Ct));

        var loaded = await Notes.GetAsync(practice, note.Id, Ct);
        Assert.NotNull(loaded);
        Assert.Equal(
            (note.Key, note.ClientId, note.SessionId, note.Kind, note.Status, note.Drafting, note.CurrentVersion, 0L),
            (loaded.Key, loaded.ClientId, loaded.SessionId, loaded.Kind, loaded.Status, loaded.Drafting, loaded.CurrentVersion, loaded.Version));
        Assert.Equal(first, await Notes.GetVersionAsync(practice, note.Id, 1, Ct));
    }

    [EngineFact]
    public async Task Add_SecondNoteForTheSameSession_IsRefusedAndTheFirstKept()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        var (note, first) = NewNote(practice, session);
        var (other, otherFirst) = NewNote(practice, session);

        Assert.True(await Notes.TryAddAsync(practice, note, first, Ct));
        Assert.False(await Notes.TryAddAsync(practice, other, otherFirst, Ct));

        Assert.Equal(note.Id, (await Notes.FindForSessionAsync(practice, session, Ct))!.Id);
        Assert.Null(await Notes.GetAsync(practice, other.Id, Ct));
        Assert.Empty(await Notes.ListVersionsAsync(practice, other.Id, Ct));
    }

    [EngineFact]
    public async Task Versions_AreListedInNumberOrder_AndADuplicateNumberConflicts()
    {
        var practice = await NewPracticeAsync();
        var (note, first) = NewNote(practice, ClinicalSessionId.New());
        await Notes.TryAddAsync(practice, note, first, Ct);
        var third = Version(practice, note.Id, 3, "sealed-3");
        var second = Version(practice, note.Id, 2, "sealed-2") with { By = null, Reason = NoteVersionReasons.Drafted };

        await Notes.AddVersionAsync(practice, third, Ct);
        await Notes.AddVersionAsync(practice, second, Ct);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Notes.AddVersionAsync(practice, Version(practice, note.Id, 2, "other"), Ct));

        var versions = await Notes.ListVersionsAsync(practice, note.Id, Ct);
        Assert.Equal([1, 2, 3], versions.Select(v => v.Number));
        Assert.Equal(second, versions[1]);
        Assert.Equal("sealed-2", (await Notes.GetVersionAsync(practice, note.Id, 2, Ct))!.ProtectedContent);
    }

    [EngineFact]
    public async Task Update_StoresSignatureAndAddenda_AndAStaleCopyConflicts()
    {
        var practice = await NewPracticeAsync();
        var (note, first) = NewNote(practice, ClinicalSessionId.New());
        await Notes.TryAddAsync(practice, note, first, Ct);
        var signer = UserId.New();
        var signed = note with
        {
            Status = NoteStatus.Signed,
            CurrentVersion = 2,
            Signature = new NoteSignature(signer, Now, 1, new string('a', 64), "attested"),
            Addenda = [new NoteAddendumSummary(2, signer, Now, new string('b', 64))],
        };

        var stored = await Notes.UpdateAsync(practice, signed, Ct);

        Assert.Equal(1, stored.Version);
        var loaded = (await Notes.GetAsync(practice, note.Id, Ct))!;
        Assert.Equal(signed.Signature, loaded.Signature);
        Assert.Equal(signed.Addenda, loaded.Addenda);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Notes.UpdateAsync(practice, signed, Ct));
    }

    [EngineFact]
    public async Task ListForClient_ReturnsOnlyThatClientsNotes()
    {
        var practice = await NewPracticeAsync();
        var client = ClientId.New();
        var (a, a1) = NewNote(practice, ClinicalSessionId.New(), client);
        var (b, b1) = NewNote(practice, null, client);
        var (c, c1) = NewNote(practice, ClinicalSessionId.New());
        foreach (var (n, v) in new[] { (a, a1), (b, b1), (c, c1) })
        {
            await Notes.TryAddAsync(practice, n, v, Ct);
        }

        Assert.Equal(new[] { a.Id.Value, b.Id.Value }.Order(), (await Notes.ListForClientAsync(practice, client, Ct)).Select(n => n.Id.Value).Order());
    }

    [EngineFact]
    public async Task Notes_EveryMethodFromAnotherPractice_IsNotFound()
    {
        var mine = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        var (theirs, first) = NewNote(other, session);
        await Notes.TryAddAsync(other, theirs, first, Ct);

        Assert.Null(await Notes.GetAsync(mine, theirs.Id, Ct));
        Assert.Null(await Notes.FindForSessionAsync(mine, session, Ct));
        Assert.Empty(await Notes.ListForClientAsync(mine, theirs.ClientId, Ct));
        Assert.Null(await Notes.GetVersionAsync(mine, theirs.Id, 1, Ct));
        Assert.Empty(await Notes.ListVersionsAsync(mine, theirs.Id, Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => Notes.UpdateAsync(mine, theirs with { Status = NoteStatus.Signed }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Notes.AddVersionAsync(mine, Version(other, theirs.Id, 2, "x"), Ct));

        Assert.Equal(NoteStatus.Draft, (await Notes.GetAsync(other, theirs.Id, Ct))!.Status);
        Assert.Single(await Notes.ListVersionsAsync(other, theirs.Id, Ct));
    }

    private (Note Note, NoteVersion First) NewNote(PracticeId practice, ClinicalSessionId? session, ClientId? client = null)
    {
        var id = NoteId.New();
        var note = new Note(
            id, practice, session is { } s ? Note.SessionKey(s) : Note.OwnKey(id), client ?? ClientId.New(), session, UserId.New(),
            session is null ? NoteKind.Psychotherapy : NoteKind.Progress, "progress", NoteStatus.Draft, DraftingState.Queued, null, 1, null, 1, 0, 1, null, [], Now, Now);
        return (note, Version(practice, id, 1, "sealed-1"));
    }

    private NoteVersion Version(PracticeId practice, NoteId note, int number, string sealedContent) =>
        new(NoteVersion.IdFor(note, number), practice, note, number, UserId.New(), Now, NoteVersionReasons.Edited, sealedContent, new string('0', 64));

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = new Practice(PracticeId.New(), "Practice", Now);
        await fixture.Get<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        return practice.Id;
    }
}

public sealed class SqliteNoteRepositoryContractTests(SqliteStorageFixture fixture)
    : NoteRepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoNoteRepositoryContractTests(MongoStorageFixture fixture)
    : NoteRepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
