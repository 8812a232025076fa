using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;
using Plexura.Core.Security;
using Plexura.Core.Users;

namespace Plexura.Core.Access.Emergency;

/// <summary>Declare a break-glass emergency to view a client the member cannot otherwise see.</summary>
/// <param name="ClientId">The client (from a link a colleague shared, or typed in: never a name).</param>
/// <param name="Reason">Why, in the member's words (required; may hold PHI, so it is stored encrypted).</param>
public sealed record DeclareEmergencyAccessCommand(ClientId ClientId, string? Reason);

/// <summary>A declared emergency access.</summary>
/// <param name="Id">The access.</param>
/// <param name="ClientId">The client it opens for viewing.</param>
/// <param name="ExpiresAt">When it ends.</param>
public sealed record DeclaredEmergencyAccess(EmergencyAccessId Id, ClientId ClientId, DateTimeOffset ExpiresAt);

/// <summary>Messages of the break-glass use cases.</summary>
public static class EmergencyAccessMessages
{
    /// <summary>Shown for an empty reason.</summary>
    public const string ReasonMissingMessage = "State why you need emergency access to this client.";

    /// <summary>Shown to a member the practice has not designated.</summary>
    public const string NotDesignatedMessage =
        "You are not designated for emergency access in this practice. Ask an owner, or ask a colleague with access to help.";

    /// <summary>Shown to a member who can already open the client.</summary>
    public const string AlreadyVisibleMessage = "You can already open this client's record: no emergency access is needed.";
}

/// <summary>Declares a break-glass emergency access (HIPAA 5.1).</summary>
/// <remarks>
/// <para>Only a clinician the practice designated (<see cref="Practice.EmergencyAccessMembers"/>) may declare, only for
/// a client of their practice they cannot view today, and only with a reason. Refusals are audited as
/// <see cref="AuditAction.EmergencyAccess"/>: another practice's or an unknown client is "not found" (code
/// <c>unknown-client</c>), an undesignated member is Denied (<c>not-designated</c>), a client they can already see is
/// Denied (<c>already-has-access</c>: just open it), an empty or over-long reason is Failed (<c>invalid-input</c>).</para>
/// <para>The access lasts <see cref="Practice.EmergencyAccessMinutes"/> and opens the client for viewing only
/// (<see cref="ClientAccessGate"/>). The reason is encrypted with the practice key and shown only on the review page.
/// The declaration is audited (phase <c>declared</c>, ids and the end time only) and every owner is emailed at once
/// with a link to the review page: no client id, no name, no reason. Declaring again while an access is active returns
/// that access (no second email).</para>
/// </remarks>
public sealed class DeclareEmergencyAccessHandler(
    PracticeAccessGate practiceGate,
    ClientAccessGate clientGate,
    IClientDirectory clients,
    IPracticeRepository practices,
    IEmergencyAccessRepository accesses,
    IMembershipRepository memberships,
    IUserRepository users,
    IPhiProtector phi,
    IEmailSender email,
    IOptions<AppOptions> app,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>The review page owners are sent to.</summary>
    public const string ReviewPath = "/compliance/emergency";

    /// <summary>Declares the access; throws <see cref="RecordNotFoundException"/>, <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task<DeclaredEmergencyAccess> HandleAsync(DeclareEmergencyAccessCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await practiceGate.RequireAsync(PracticePolicy.MayReachPracticeData, AuditAction.EmergencyAccess, "client", client, ct);
        var clientId = command.ClientId;
        var facts = await clients.GetFactsAsync(actor.PracticeId, clientId, ct);
        if (facts is null || facts.ClientId != clientId)
        {
            await DeniedAsync(actor, clientId, "unknown-client", client, ct);
            throw new RecordNotFoundException("client");
        }

        var practice = await practices.GetAsync(actor.PracticeId, ct) ?? throw new RecordNotFoundException("practice");
        if (actor.Role != PracticeRole.Clinician || !practice.IsEmergencyAccessMember(actor.UserId))
        {
            var code = actor.Role is PracticeRole.Owner or PracticeRole.Admin ? "already-has-access" : "not-designated";
            await DeniedAsync(actor, clientId, code, client, ct);
            throw new AccessDeniedException(code == "already-has-access" ? EmergencyAccessMessages.AlreadyVisibleMessage : EmergencyAccessMessages.NotDesignatedMessage);
        }

        var access = await clientGate.LoadAccessAsync(actor.PracticeId, actor.MembershipId, clientId, ct);
        var decision = access is null
            ? AccessDecision.Deny("not-a-member", PracticeActorLoader.NotAMemberMessage)
            : ClientAuthorization.Decide(actor, access, facts, ClientPermission.View);
        if (decision.IsAllowed)
        {
            await DeniedAsync(actor, clientId, "already-has-access", client, ct);
            throw new AccessDeniedException(EmergencyAccessMessages.AlreadyVisibleMessage);
        }

        if (decision.Code != "not-granted")
        {
            await DeniedAsync(actor, clientId, decision.Code, client, ct);
            throw new AccessDeniedException(decision.Reason);
        }

        var now = time.GetUtcNow();
        if (await accesses.FindActiveAsync(actor.PracticeId, actor.UserId, clientId, now, ct) is { } active)
        {
            return new DeclaredEmergencyAccess(active.Id, clientId, active.ExpiresAt);
        }

        var reason = await AccessAudit.RefusingInvalidInputAsync(
            audit, actor, client, AuditAction.EmergencyAccess, "client", clientId.ToString(), clientId,
            () => Task.FromResult(PersonText.Required(
                command.Reason, "The reason", EmergencyAccess.MaxReasonLength, EmergencyAccessMessages.ReasonMissingMessage, multiline: true)),
            ct);
        var id = EmergencyAccessId.New();
        var ciphertext = await phi.ProtectAsync(actor.PracticeId, new PhiField(EmergencyAccess.RecordType, id.ToString(), "reason"), reason, ct);
        var declared = new EmergencyAccess(id, actor.PracticeId, clientId, actor.UserId, now, now.AddMinutes(practice.EmergencyAccessMinutes), ciphertext);
        await accesses.AddAsync(actor.PracticeId, declared, ct);
        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.EmergencyAccess, AuditResult.Success, EmergencyAccess.RecordType, id.ToString(), clientId, ct,
            ("phase", "declared"),
            ("minutes", practice.EmergencyAccessMinutes.ToString(CultureInfo.InvariantCulture)),
            ("until", declared.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)));
        await EmailOwnersAsync(actor, declared, ct);
        return new DeclaredEmergencyAccess(id, clientId, declared.ExpiresAt);
    }

    private async Task EmailOwnersAsync(PracticeActor actor, EmergencyAccess declared, CancellationToken ct)
    {
        var link = app.Value.Link(ReviewPath);
        var who = actor.DisplayName;
        var minutes = ((int)(declared.ExpiresAt - declared.DeclaredAt).TotalMinutes).ToString(CultureInfo.InvariantCulture);
        foreach (var owner in (await memberships.ListAsync(actor.PracticeId, ct)).Where(m => m.Role == PracticeRole.Owner))
        {
            if (await users.GetAsync(owner.UserId, ct) is not { } user)
            {
                continue;
            }

            var text =
                $"{who} declared emergency (break-glass) access to a client record in {actor.PracticeName} on Plexura. " +
                $"It gives them view access for {minutes} minutes and every view is audited.\n\n" +
                $"Review and acknowledge it:\n\n{link}";
            var html =
                $"<p>{Encode(who)} declared emergency (break-glass) access to a client record in {Encode(actor.PracticeName)} on Plexura. " +
                $"It gives them view access for {minutes} minutes and every view is audited.</p>" +
                $"<p><a href=\"{Encode(link)}\">Review and acknowledge it</a></p>";
            await email.EnqueueAsync(
                new EmailMessage(
                    user.Email, $"Emergency access declared in {actor.PracticeName}", text, html, $"emergency-access/{declared.Id}/{user.Id}", "emergency-access"),
                ct);
        }
    }

    private Task<AuditEvent> DeniedAsync(PracticeActor actor, ClientId clientId, string code, ClientInfo client, CancellationToken ct) =>
        AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.EmergencyAccess, AuditResult.Denied, "client", clientId.ToString(), clientId, ct, ("reason", code), ("phase", "declare"));

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}

/// <summary>Whether the signed-in member may declare emergency access (the client page offers it only then).</summary>
/// <remarks>Any member of the practice may ask about themselves; nothing is read but the practice's designation list.</remarks>
public sealed class GetEmergencyDesignationHandler(PracticeAccessGate gate, IPracticeRepository practices)
{
    /// <summary>True for a clinician the practice designated for emergency access.</summary>
    public async Task<bool> HandleAsync(ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.MayReachPracticeData, AuditAction.EmergencyAccess, "client", client, ct);
        var practice = await practices.GetAsync(actor.PracticeId, ct);
        return actor.Role == PracticeRole.Clinician && practice?.IsEmergencyAccessMember(actor.UserId) == true;
    }
}
