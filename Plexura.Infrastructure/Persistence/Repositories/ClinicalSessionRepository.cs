using Plexura.Core.Common;
using Plexura.Core.Sessions;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Clinical sessions, on any engine.</summary>
internal sealed class ClinicalSessionRepository(IDocumentStore store) : IClinicalSessionRepository
{
    private static readonly string ClientField = DocumentFields.Of(nameof(ClinicalSession.ClientId));

    private readonly IDocumentCollection<ClinicalSession> _sessions = store.Collection(Collections.ClinicalSessions);

    public Task AddAsync(PracticeId practiceId, ClinicalSession session, CancellationToken ct) =>
        _sessions.InsertAsync(DocumentScope.Practice(practiceId), session, ct);

    public Task<ClinicalSession?> GetAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct) =>
        _sessions.GetAsync(DocumentScope.Practice(practiceId), sessionId.ToString(), ct);

    public Task<IReadOnlyList<ClinicalSession>> ListForClientAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct) =>
        _sessions.FindManyAsync(DocumentScope.Practice(practiceId), ClientField, clientId.ToString(), ct);
}
