using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Identity;

namespace Plexura.Core.Sessions.StartRecording;

/// <summary>Start recording a therapy session with a client.</summary>
/// <param name="ClientId">The client the session is with.</param>
public sealed record StartRecordingCommand(ClientId ClientId);

/// <summary>Opens a clinical session in the Recording state for a client the member may edit and who has consented.</summary>
/// <remarks>
/// <para>Issue 4: starting a recording without the client's active consent to recording and to AI processing is
/// impossible, and it is enforced here, in Core, not only by hiding a button: every caller (a page, an endpoint, a
/// later job) goes through this check.</para>
/// <para>Recording produces clinical content about the client, so it needs <see cref="ClientPermission.Edit"/>. The gate
/// refuses compliance staff and archived clients, audits every refusal, and answers "not found" for another practice's
/// client. The consents are read fresh at the moment of starting, against the injected clock; a refusal is audited as
/// Denied with the codes of the missing kinds (never consent text) and nothing is stored. The session keeps the ids of
/// the consents that allowed it, as proof for an auditor.</para>
/// <para>This is the Core start of the recording feature only: audio capture, chunks and transcription, and the page
/// and API endpoint that call this handler, come with the recording issue.</para>
/// </remarks>
public sealed class StartRecordingHandler(
    ClientAccessGate gate, IClientConsentRepository consents, IClinicalSessionRepository sessions, IAuditLog audit, TimeProvider time, Billing.BillingGuard billing)
{
    /// <summary>Shown when a consent is missing; names the kinds, nothing about the client.</summary>
    public const string ConsentRequiredMessage = "Record the client's consent to recording and to AI processing before starting a session.";

    /// <summary>The audit target type of a clinical session.</summary>
    public const string TargetType = "clinical-session";

    /// <summary>Starts the session and returns its id.</summary>
    /// <exception cref="AccessDeniedException">The member may not edit this client (or the client is archived).</exception>
    /// <exception cref="RecordNotFoundException">No such client in the member's practice.</exception>
    /// <exception cref="ValidationFailedException">An active recording or AI-processing consent is missing.</exception>
    public async Task<ClinicalSessionId> HandleAsync(StartRecordingCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = (await gate.RequireAsync(command.ClientId, ClientPermission.Edit, client, ct)).Actor;
        await billing.EnsureCanStartNewWorkAsync(actor, client, AuditAction.Created, TargetType, ct);
        var now = time.GetUtcNow();
        var clientConsents = await consents.ListForClientAsync(actor.PracticeId, command.ClientId, ct);
        var missing = ConsentRules.MissingForRecording(clientConsents, now);
        if (missing.Count > 0)
        {
            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.Created, AuditResult.Denied, TargetType, null, command.ClientId, ct,
                ("reason", "no-active-consent"), ("missing", string.Join(',', missing.Select(Code))));
            throw new ValidationFailedException(ConsentRequiredMessage);
        }

        var session = new ClinicalSession(
            ClinicalSessionId.New(),
            actor.PracticeId,
            command.ClientId,
            actor.UserId,
            now,
            ClinicalSessionStatus.Recording,
            [.. ConsentRules.ActiveForRecording(clientConsents, now).Select(c => c.Id)]);
        await sessions.AddAsync(actor.PracticeId, session, ct);
        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.Created, AuditResult.Success, TargetType, session.Id.ToString(), command.ClientId, ct,
            ("consents", string.Join(',', session.ConsentIds)));
        return session.Id;
    }

    /// <summary>The audit code of a consent kind: a fixed word, never consent text.</summary>
    private static string Code(ConsentKind kind) => kind switch
    {
        ConsentKind.Recording => "recording",
        ConsentKind.AiProcessing => "ai-processing",
        _ => "other",
    };
}
