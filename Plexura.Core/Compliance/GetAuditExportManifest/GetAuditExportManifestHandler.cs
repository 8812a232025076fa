using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Export;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Compliance.GetAuditExportManifest;

/// <summary>Fetch the signed manifest of one of the practice's audit exports.</summary>
/// <param name="ExportId">The export's id.</param>
public sealed record GetAuditExportManifestCommand(string ExportId);

/// <summary>The manifest JSON of a completed export of the signed-in member's practice.</summary>
/// <remarks>
/// Audit readers only (<see cref="PracticePolicy.CanReadAuditLog"/>). Another practice's export id and an unknown one
/// are both "not found" (audited); an export whose file is still streaming or was broken off is a conflict.
/// </remarks>
public sealed class GetAuditExportManifestHandler(PracticeAccessGate gate, IAuditExportRepository exports)
{
    /// <summary>The manifest as indented JSON.</summary>
    public async Task<string> HandleAsync(GetAuditExportManifestCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = await gate.RequireAsync(PracticePolicy.CanReadAuditLog, AuditAction.AuditLogViewed, "audit-export", client, ct);
        var id = Guid.TryParse(command.ExportId, out var guid) ? guid.ToString("D") : null;
        var export = id is null ? null : await exports.GetAsync(actor.PracticeId, id, ct);
        if (export is null)
        {
            throw await gate.NotFoundAsync(actor, AuditAction.AuditLogViewed, "audit-export", id ?? "invalid", client, ct);
        }

        return export.ManifestJson
            ?? throw new ValidationFailedException("This export has no manifest yet: its file is still downloading, or the download was broken off (export again).");
    }
}
