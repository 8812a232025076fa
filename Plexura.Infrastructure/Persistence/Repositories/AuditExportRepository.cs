using Plexura.Core.Common;
using Plexura.Core.Compliance.Export;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Audit exports and their manifests, on any engine. Every call is scoped to one practice.</summary>
internal sealed class AuditExportRepository(IDocumentStore store) : IAuditExportRepository
{
    private readonly IDocumentCollection<AuditExportRecord> _exports = store.Collection(Collections.AuditExports);

    public Task AddAsync(PracticeId practiceId, AuditExportRecord export, CancellationToken ct) =>
        _exports.InsertAsync(DocumentScope.Practice(practiceId), export, ct);

    public Task<AuditExportRecord?> GetAsync(PracticeId practiceId, string exportId, CancellationToken ct) =>
        _exports.GetAsync(DocumentScope.Practice(practiceId), exportId, ct);

    public Task<AuditExportRecord> UpdateAsync(PracticeId practiceId, AuditExportRecord export, CancellationToken ct) =>
        _exports.ReplaceAsync(DocumentScope.Practice(practiceId), export, ct);
}
