using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Consent.RevokeConsent;

/// <summary>Record that a client withdrew a consent.</summary>
/// <param name="ClientId">The client.</param>
/// <param name="ConsentId">The consent withdrawn.</param>
/// <param name="Reason">An optional note (encrypted).</param>
public sealed record RevokeConsentCommand(ClientId ClientId, ClientConsentId ConsentId, string? Reason = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(RevokeConsentCommand)} {{ ConsentId = {ConsentId}, PHI hidden }}";
}

/// <summary>Revokes a consent of a client the member may edit; from then on it no longer counts.</summary>
/// <remarks>
/// The consent must belong to the named client of the member's practice: a consent of another client or practice is
/// "not found", so a client id the member may edit cannot be used to revoke someone else's consent. Audited as an
/// update of the consent, with no free text.
/// </remarks>
public sealed class RevokeConsentHandler(
    ClientAccessGate gate, ConsentProtector protector, IClientConsentRepository consents, IAuditLog audit, TimeProvider time)
{
    /// <summary>Revokes the consent.</summary>
    public async Task HandleAsync(RevokeConsentCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = (await gate.RequireAsync(command.ClientId, ClientPermission.Edit, client, ct)).Actor;
        var consent = await consents.GetAsync(actor.PracticeId, command.ConsentId, ct);
        if (consent is null || consent.ClientId != command.ClientId)
        {
            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.Updated, AuditResult.Denied, "client-consent", command.ConsentId.ToString(), command.ClientId, ct,
                ("reason", "unknown-consent"));
            throw new RecordNotFoundException(ClientConsent.RecordType);
        }

        var revoked = await protector.RevokeAsync(consent, actor.UserId, command.Reason, time.GetUtcNow(), ct);
        await consents.UpdateAsync(actor.PracticeId, revoked, ct);
        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.Updated, AuditResult.Success, "client-consent", consent.Id.ToString(), command.ClientId, ct,
            ("change", "revoked"), ("kind", consent.Kind.ToString()));
    }
}
