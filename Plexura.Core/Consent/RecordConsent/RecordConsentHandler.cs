using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices;

namespace Plexura.Core.Consent.RecordConsent;

/// <summary>Document a client's consent (to recording, to AI processing, or a Part 2 disclosure).</summary>
/// <param name="ClientId">The client.</param>
/// <param name="Details">What was consented to, how, from when, until when, and for Part 2 to whom and why.</param>
/// <param name="ExpiresOn">
/// The last day the consent holds, when the member picked a date rather than an instant: it then expires at the end of
/// that day in the practice's time zone (see <see cref="Practices.PracticeTimeZone.EndOfDay"/>). Give this or
/// <see cref="ConsentDetails.ExpiresAt"/>, not both.
/// </param>
public sealed record RecordConsentCommand(ClientId ClientId, ConsentDetails Details, DateOnly? ExpiresOn = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(RecordConsentCommand)} {{ ClientId = {ClientId}, PHI hidden }}";
}

/// <summary>Records a consent for a client the member may edit; the recorder is the signed-in member.</summary>
/// <remarks>
/// HIPAA statement 12: recording and AI drafting need a documented consent, with who recorded it, when and how. Only a
/// member who may edit the client may document one (the gate audits a refusal). An expiry in the past, a Part 2
/// disclosure without recipient, purpose and expiry, and over-long text are refused before anything is stored. The
/// audit event carries the kind and method, never the recipient, purpose or notes. An expiry given as a date ends at
/// the end of that day in the practice's stored time zone, never a zone from the request, so "until 31 December" means
/// the same for every member wherever their browser is.
/// </remarks>
public sealed class RecordConsentHandler(
    ClientAccessGate gate, ConsentProtector protector, IClientConsentRepository consents, IAuditLog audit, TimeProvider time)
{
    /// <summary>Records the consent and returns its id.</summary>
    public async Task<ClientConsentId> HandleAsync(RecordConsentCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = (await gate.RequireAsync(command.ClientId, ClientPermission.Edit, client, ct)).Actor;
        var consent = await AccessAudit.RefusingInvalidInputAsync(
            audit, actor, client, AuditAction.Created, "client-consent", null, command.ClientId,
            () => protector.CreateAsync(
                actor.PracticeId, command.ClientId, ClientConsentId.New(), WithExpiry(command, actor.PracticeTimeZoneId), actor.UserId, time.GetUtcNow(), ct),
            ct);
        await consents.AddAsync(actor.PracticeId, consent, ct);
        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.Created, AuditResult.Success, "client-consent", consent.Id.ToString(), command.ClientId, ct,
            ("kind", consent.Kind.ToString()), ("method", consent.Method.ToString()));
        return consent.Id;
    }

    /// <summary>The details with a date-only expiry turned into the end of that day in the practice's zone.</summary>
    private static ConsentDetails WithExpiry(RecordConsentCommand command, string practiceTimeZoneId)
    {
        if (command.ExpiresOn is not { } day)
        {
            return command.Details;
        }

        if (command.Details.ExpiresAt is not null)
        {
            throw new ValidationFailedException("Give the consent's expiry as a date or as a moment, not both.");
        }

        return command.Details with { ExpiresAt = PracticeTimeZone.EndOfDay(day, PracticeTimeZone.Find(practiceTimeZoneId)) };
    }
}
