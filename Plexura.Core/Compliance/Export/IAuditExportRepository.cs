using Plexura.Core.Common;

namespace Plexura.Core.Compliance.Export;

/// <summary>One audit export: started, and once its file is complete, its signed manifest. Holds no PHI.</summary>
/// <param name="Id">The export id (a GUID, also in the file name).</param>
/// <param name="PracticeId">The practice.</param>
/// <param name="Format">The file format.</param>
/// <param name="ExportedBy">The member who exported.</param>
/// <param name="StartedAt">When the export started.</param>
/// <param name="ManifestJson">The signed manifest (<see cref="AuditExportManifest.ToJson"/>), or null while the file is
/// being written or when the download was broken off.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
public sealed record AuditExportRecord(
    string Id,
    PracticeId PracticeId,
    AuditExportFormat Format,
    UserId ExportedBy,
    DateTimeOffset StartedAt,
    string? ManifestJson,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors.</summary>
    public const string RecordType = "audit export";
}

/// <summary>Storage of audit exports' manifests, so a manifest can be fetched after its file has streamed.</summary>
public interface IAuditExportRepository
{
    /// <summary>Stores a started export; <see cref="DuplicateRecordException"/> when the id is taken.</summary>
    Task AddAsync(PracticeId practiceId, AuditExportRecord export, CancellationToken ct);

    /// <summary>The practice's export with this id, or null.</summary>
    Task<AuditExportRecord?> GetAsync(PracticeId practiceId, string exportId, CancellationToken ct);

    /// <summary>Saves the export (with its manifest) if it is still at the version it carries.</summary>
    Task<AuditExportRecord> UpdateAsync(PracticeId practiceId, AuditExportRecord export, CancellationToken ct);
}
