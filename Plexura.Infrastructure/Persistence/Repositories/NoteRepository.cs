using Plexura.Core.Common;
using Plexura.Core.Notes;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Notes and their versions, on any engine.</summary>
internal sealed class NoteRepository(IDocumentStore store) : INoteRepository
{
    private static readonly string KeyField = DocumentFields.Of(nameof(Note.Key));
    private static readonly string ClientField = DocumentFields.Of(nameof(Note.ClientId));
    private static readonly string NoteField = DocumentFields.Of(nameof(NoteVersion.NoteId));

    private readonly IDocumentCollection<Note> _notes = store.Collection(Collections.Notes);
    private readonly IDocumentCollection<NoteVersion> _versions = store.Collection(Collections.NoteVersions);

    public async Task<bool> TryAddAsync(PracticeId practiceId, Note note, NoteVersion first, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(first);
        CheckVersion(note.Id, first);
        try
        {
            // The note first: its unique key decides a race between two starts; its version follows.
            await _notes.InsertAsync(DocumentScope.Practice(practiceId), note, ct);
        }
        catch (DuplicateRecordException)
        {
            return false;
        }

        await _versions.InsertAsync(DocumentScope.Practice(practiceId), first, ct);
        return true;
    }

    public Task<Note?> GetAsync(PracticeId practiceId, NoteId noteId, CancellationToken ct) =>
        _notes.GetAsync(DocumentScope.Practice(practiceId), noteId.ToString(), ct);

    public Task<Note?> FindForSessionAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct) =>
        _notes.FindOneAsync(DocumentScope.Practice(practiceId), KeyField, Note.SessionKey(sessionId), ct);

    public async Task<IReadOnlyList<Note>> ListForClientAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct) =>
        [.. (await _notes.FindManyAsync(DocumentScope.Practice(practiceId), ClientField, clientId.ToString(), ct)).OrderBy(n => n.CreatedAt).ThenBy(n => n.Id.Value)];

    public Task<Note> UpdateAsync(PracticeId practiceId, Note note, CancellationToken ct) =>
        _notes.ReplaceAsync(DocumentScope.Practice(practiceId), note, ct);

    public async Task AddVersionAsync(PracticeId practiceId, NoteVersion version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(version);
        CheckVersion(version.NoteId, version);
        try
        {
            await _versions.InsertAsync(DocumentScope.Practice(practiceId), version, ct);
        }
        catch (DuplicateRecordException)
        {
            throw new ConcurrencyConflictException(NoteVersion.RecordType);
        }
    }

    public Task<NoteVersion?> GetVersionAsync(PracticeId practiceId, NoteId noteId, int number, CancellationToken ct) =>
        _versions.GetAsync(DocumentScope.Practice(practiceId), NoteVersion.IdFor(noteId, number), ct);

    public async Task<IReadOnlyList<NoteVersion>> ListVersionsAsync(PracticeId practiceId, NoteId noteId, CancellationToken ct) =>
        [.. (await _versions.FindManyAsync(DocumentScope.Practice(practiceId), NoteField, noteId.ToString(), ct)).OrderBy(v => v.Number)];

    private static void CheckVersion(NoteId noteId, NoteVersion version)
    {
        if (version.NoteId != noteId || version.Id != NoteVersion.IdFor(noteId, version.Number))
        {
            throw new ArgumentException("A version's id is its note and number.", nameof(version));
        }
    }
}
