using Plexura.Core.Common;
using Plexura.Core.Sessions;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Clinical sessions, on any engine.</summary>
internal sealed class ClinicalSessionRepository(IDocumentStore store) : IClinicalSessionRepository
{
    private static readonly string ClientField = DocumentFields.Of(nameof(ClinicalSession.ClientId));
    private static readonly string ClinicianField = DocumentFields.Of(nameof(ClinicalSession.ClinicianUserId));

    private readonly IDocumentCollection<ClinicalSession> _sessions = store.Collection(Collections.ClinicalSessions);

    public Task AddAsync(PracticeId practiceId, ClinicalSession session, CancellationToken ct) =>
        _sessions.InsertAsync(DocumentScope.Practice(practiceId), session, ct);

    public Task<ClinicalSession?> GetAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct) =>
        _sessions.GetAsync(DocumentScope.Practice(practiceId), sessionId.ToString(), ct);

    public Task<IReadOnlyList<ClinicalSession>> ListForClientAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct) =>
        _sessions.FindManyAsync(DocumentScope.Practice(practiceId), ClientField, clientId.ToString(), ct);

    public Task<IReadOnlyList<ClinicalSession>> ListForClinicianAsync(PracticeId practiceId, UserId clinicianUserId, CancellationToken ct) =>
        _sessions.FindManyAsync(DocumentScope.Practice(practiceId), ClinicianField, clinicianUserId.ToString(), ct);

    /// <remarks>
    /// Session ids are version-7 GUIDs, which start with the creation time in milliseconds and so sort by it: the page
    /// after the smallest id of <paramref name="since"/>'s millisecond holds the sessions started since then, read from
    /// the id index without a time index. StartedAt is checked too, for ids made in another way.
    /// </remarks>
    public async Task<IReadOnlyList<ClinicalSession>> ListStartedSinceAsync(PracticeId practiceId, DateTimeOffset since, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var found = new List<ClinicalSession>();
        var after = FirstIdOf(since);
        while (found.Count < limit)
        {
            var requested = Math.Min(1000, limit - found.Count);
            var page = await _sessions.FindPageAsync(DocumentScope.Practice(practiceId), new DocumentPageQuery(requested) { AfterId = after }, ct);
            found.AddRange(page.Where(s => s.StartedAt >= since));
            if (page.Count < requested)
            {
                break;
            }

            after = page[^1].Id.ToString();
        }

        return found;
    }

    public Task<ClinicalSession> UpdateAsync(PracticeId practiceId, ClinicalSession session, CancellationToken ct) =>
        _sessions.ReplaceAsync(DocumentScope.Practice(practiceId), session, ct);

    /// <summary>The string just below every version-7 id made at or after <paramref name="since"/>.</summary>
    private static string FirstIdOf(DateTimeOffset since)
    {
        var ms = Math.Max(0, since.ToUnixTimeMilliseconds() - 1);
        var hex = ms.ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
        return $"{hex[..8]}-{hex[8..12]}-ffff-ffff-ffffffffffff";
    }
}
