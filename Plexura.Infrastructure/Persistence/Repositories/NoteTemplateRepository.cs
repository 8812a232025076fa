using Plexura.Core.Common;
using Plexura.Core.Notes.Templates;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Practices' note templates, on any engine. Every call is scoped to one practice.</summary>
internal sealed class NoteTemplateRepository(IDocumentStore store) : INoteTemplateRepository
{
    private readonly IDocumentCollection<PracticeTemplate> _templates = store.Collection(Collections.NoteTemplates);

    public Task AddAsync(PracticeId practiceId, PracticeTemplate template, CancellationToken ct) =>
        _templates.InsertAsync(DocumentScope.Practice(practiceId), template, ct);

    public Task<PracticeTemplate?> GetAsync(PracticeId practiceId, NoteTemplateId templateId, CancellationToken ct) =>
        _templates.GetAsync(DocumentScope.Practice(practiceId), templateId.ToString(), ct);

    public Task<IReadOnlyList<PracticeTemplate>> ListAsync(PracticeId practiceId, CancellationToken ct) =>
        _templates.FindManyAsync(DocumentScope.Practice(practiceId), null, null, ct);

    public Task<PracticeTemplate> UpdateAsync(PracticeId practiceId, PracticeTemplate template, CancellationToken ct) =>
        _templates.ReplaceAsync(DocumentScope.Practice(practiceId), template, ct);
}

/// <summary>Members' note preferences, on any engine. Every call is scoped to one practice.</summary>
internal sealed class NotePreferenceRepository(IDocumentStore store) : INotePreferenceRepository
{
    private readonly IDocumentCollection<NotePreference> _preferences = store.Collection(Collections.NotePreferences);

    public Task<NotePreference?> GetAsync(PracticeId practiceId, UserId userId, CancellationToken ct) =>
        _preferences.GetAsync(DocumentScope.Practice(practiceId), NotePreference.IdOf(practiceId, userId), ct);

    public Task AddAsync(PracticeId practiceId, NotePreference preference, CancellationToken ct) =>
        _preferences.InsertAsync(DocumentScope.Practice(practiceId), preference, ct);

    public Task<NotePreference> UpdateAsync(PracticeId practiceId, NotePreference preference, CancellationToken ct) =>
        _preferences.ReplaceAsync(DocumentScope.Practice(practiceId), preference, ct);
}
