using Plexura.Core.Auditing;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Compliance.GetAuditExportKey;

/// <summary>Show the practice's export signing public key.</summary>
public sealed record GetAuditExportKeyCommand;

/// <summary>The public key manifests are signed with, for the exports page and auditors (audit readers only).</summary>
public sealed class GetAuditExportKeyHandler(PracticeAccessGate gate, IAuditSigner signer)
{
    /// <summary>The key id and PEM.</summary>
    public async Task<AuditPublicKey> HandleAsync(GetAuditExportKeyCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = await gate.RequireAsync(PracticePolicy.CanReadAuditLog, AuditAction.AuditLogViewed, "audit-export-key", client, ct);
        return await signer.GetPublicKeyAsync(actor.PracticeId, ct);
    }
}
