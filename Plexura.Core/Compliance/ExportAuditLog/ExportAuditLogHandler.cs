using Plexura.Core.Auditing;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Export;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Compliance.ExportAuditLog;

/// <summary>Export the practice's audit events matching <paramref name="Filter"/> as a file.</summary>
/// <param name="Format">CSV or JSONL.</param>
/// <param name="Filter">Which events.</param>
/// <param name="ExportId">The export's id, chosen by the page so it can link the manifest before the file ends; null for a new one.</param>
public sealed record ExportAuditLogCommand(AuditExportFormat Format, AuditExportFilter Filter, Guid? ExportId = null);

/// <summary>Streams an audit export and stores its signed manifest (HIPAA 5.2, § 164.528 accounting via export).</summary>
/// <remarks>
/// Owners, admins and compliance staff with a second factor (<see cref="PracticePolicy.CanReadAuditLog"/>); a refusal is
/// audited by the gate. The practice's chain head is read first and the export is bounded by it, so events written
/// while the file streams (this export's own audit event included) are not in it and the manifest's head is the last
/// event a full-range file holds. The file is hashed while it streams; when it is complete the manifest is signed with
/// the practice's export key and stored for <see cref="GetAuditExportManifest.GetAuditExportManifestHandler"/>, and
/// the export is audited as <see cref="AuditAction.Exported"/> (target <c>audit-log</c>) with the format, the names of
/// the filters set and the count. A broken-off download is audited as failed and leaves no manifest.
/// </remarks>
public sealed class ExportAuditLogHandler(
    PracticeAccessGate gate, IAuditStore store, IAuditSigner signer, IAuditExportRepository exports, AuditChainHeadReader heads, IAuditLog audit, TimeProvider time)
{
    /// <summary>The audit target type of exports of the log.</summary>
    public const string TargetType = "audit-log";

    /// <summary>
    /// Validates and authorizes before writing anything (so a refusal is a clean 4xx), then writes the file to
    /// <paramref name="output"/> and returns the signed manifest.
    /// </summary>
    public async Task<AuditExportManifest> HandleAsync(ExportAuditLogCommand command, Stream output, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanReadAuditLog, AuditAction.Exported, TargetType, client, ct);
        ArgumentNullException.ThrowIfNull(command.Filter);
        if (!Enum.IsDefined(command.Format))
        {
            throw new ValidationFailedException("The format must be csv or jsonl.");
        }

        command.Filter.Validate();
        if (command.ExportId is { } requested && (requested == Guid.Empty || requested.Version != 7))
        {
            throw new ValidationFailedException("The export id must be a new version 7 GUID.");
        }

        var id = (command.ExportId ?? Guid.CreateVersion7()).ToString("D");
        var record = new AuditExportRecord(id, actor.PracticeId, command.Format, actor.UserId, time.GetUtcNow(), null);
        await exports.AddAsync(actor.PracticeId, record, ct);
        var head = await heads.ReadAsync(actor.PracticeId, ct);
        var filter = command.Filter.Describe();
        AuditExportSummary summary;
        try
        {
            var query = command.Filter.ToQuery() with { BeforeSequence = head.Sequence + 1 };
            summary = await AuditExportStreamer.WriteAsync(store, actor.PracticeId, query, command.Format, output, ct);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            await AuditAsync(actor, client, id, command, null, AuditResult.Failed, CancellationToken.None);
            throw;
        }

        var key = await signer.GetPublicKeyAsync(actor.PracticeId, ct);
        var unsigned = new AuditExportManifest(
            AuditExportManifest.CurrentFormat,
            id,
            actor.PracticeId,
            AuditExportCodec.Extension(command.Format),
            filter,
            summary.Count,
            summary.FirstSequence,
            summary.LastSequence,
            head,
            summary.Sha256,
            new AuditExportActor(actor.UserId, actor.Email),
            time.GetUtcNow(),
            key,
            null);
        var manifest = unsigned with { Signature = await signer.SignAsync(actor.PracticeId, unsigned.CanonicalBytes(), ct) };
        await exports.UpdateAsync(actor.PracticeId, record with { ManifestJson = manifest.ToJson() }, ct);
        await AuditAsync(actor, client, id, command, summary.Count, AuditResult.Success, ct);
        return manifest;
    }

    private Task<AuditEvent> AuditAsync(
        PracticeActor actor, ClientInfo client, string id, ExportAuditLogCommand command, long? count, AuditResult result, CancellationToken ct)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["exportId"] = id,
            ["format"] = AuditExportCodec.Extension(command.Format),
            ["filters"] = command.Filter.Names(),
        };
        if (count is { } n)
        {
            details["count"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return audit.RecordAsync(
            new AuditEntry(
                actor.PracticeId, new AuditActor(actor.UserId, actor.Email), client.SourceIp, client.UserAgent, AuditAction.Exported, TargetType, id, null, result, details),
            ct);
    }
}
