using System.Globalization;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;
using Plexura.Core.Security;
using Plexura.Core.Users;

namespace Plexura.Core.Compliance.EmergencyReview;

/// <summary>List the practice's emergency accesses for review.</summary>
/// <param name="Limit">The most shown (1..500; newest first).</param>
public sealed record ListEmergencyAccessesQuery(int Limit = 200);

/// <summary>One emergency access as the review page shows it.</summary>
/// <param name="Id">The access.</param>
/// <param name="ClientId">The client it opened (an id, never a name).</param>
/// <param name="DeclaredBy">Who declared it.</param>
/// <param name="DeclaredByName">Their display name (or their id when the account is gone).</param>
/// <param name="DeclaredAt">When.</param>
/// <param name="ExpiresAt">When it ended or ends.</param>
/// <param name="Reason">The stated reason, decrypted (PHI: shown only here).</param>
/// <param name="ReviewedByName">Who acknowledged it, or null while unreviewed.</param>
/// <param name="ReviewedAt">When it was acknowledged.</param>
/// <param name="ReviewNote">The reviewer's note, decrypted, or null.</param>
public sealed record EmergencyAccessReviewItem(
    EmergencyAccessId Id,
    ClientId ClientId,
    UserId DeclaredBy,
    string DeclaredByName,
    DateTimeOffset DeclaredAt,
    DateTimeOffset ExpiresAt,
    string Reason,
    string? ReviewedByName,
    DateTimeOffset? ReviewedAt,
    string? ReviewNote)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(EmergencyAccessReviewItem)} {{ Id = {Id}, PHI hidden }}";
}

/// <summary>Acknowledge one emergency access after reviewing it.</summary>
/// <param name="Id">The access.</param>
/// <param name="Note">An optional note (may hold PHI: stored encrypted).</param>
public sealed record AcknowledgeEmergencyAccessCommand(EmergencyAccessId Id, string? Note);

/// <summary>Lists emergency accesses with their decrypted reasons for owners and compliance staff (<see cref="PracticePolicy.CanReviewEmergencyAccess"/>).</summary>
/// <remarks>
/// Each listing is audited as <see cref="AuditAction.AuditLogViewed"/> with target <c>emergency-access-review</c> and the
/// count shown; a refusal is audited by the gate. The reasons are decrypted here and nowhere else.
/// </remarks>
public sealed class ListEmergencyAccessesHandler(
    PracticeAccessGate gate, IEmergencyAccessRepository accesses, IUserRepository users, IPhiProtector phi, IAuditLog audit)
{
    /// <summary>The audit target of a review listing.</summary>
    public const string TargetType = "emergency-access-review";

    /// <summary>The accesses, newest first; throws <see cref="AccessDeniedException"/>.</summary>
    public async Task<IReadOnlyList<EmergencyAccessReviewItem>> HandleAsync(ListEmergencyAccessesQuery query, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanReviewEmergencyAccess, AuditAction.AuditLogViewed, TargetType, client, ct);
        var stored = await accesses.ListAsync(actor.PracticeId, Math.Clamp(query.Limit, 1, 500), ct);
        var names = new Dictionary<UserId, string>();
        var items = new List<EmergencyAccessReviewItem>(stored.Count);
        foreach (var access in stored)
        {
            var reason = await phi.UnprotectAsync(actor.PracticeId, new PhiField(EmergencyAccess.RecordType, access.Id.ToString(), "reason"), access.ReasonCiphertext, ct);
            var note = access.ReviewNoteCiphertext is null
                ? null
                : await phi.UnprotectAsync(actor.PracticeId, new PhiField(EmergencyAccess.RecordType, access.Id.ToString(), "review-note"), access.ReviewNoteCiphertext, ct);
            items.Add(new EmergencyAccessReviewItem(
                access.Id,
                access.ClientId,
                access.DeclaredBy,
                await NameAsync(names, access.DeclaredBy, ct),
                access.DeclaredAt,
                access.ExpiresAt,
                reason,
                access.ReviewedBy is { } reviewer ? await NameAsync(names, reviewer, ct) : null,
                access.ReviewedAt,
                note));
        }

        await audit.RecordAsync(
            new AuditEntry(
                actor.PracticeId, new AuditActor(actor.UserId, actor.Email), client.SourceIp, client.UserAgent, AuditAction.AuditLogViewed, TargetType, null, null,
                AuditResult.Success, new Dictionary<string, string>(StringComparer.Ordinal) { ["count"] = items.Count.ToString(CultureInfo.InvariantCulture) }),
            ct);
        return items;
    }

    private async Task<string> NameAsync(Dictionary<UserId, string> names, UserId userId, CancellationToken ct)
    {
        if (!names.TryGetValue(userId, out var name))
        {
            var user = await users.GetAsync(userId, ct);
            name = user is null ? userId.ToString() : $"{user.DisplayName} ({user.Email})";
            names[userId] = name;
        }

        return name;
    }
}

/// <summary>Acknowledges one emergency access (<see cref="PracticePolicy.CanReviewEmergencyAccess"/>), once.</summary>
/// <remarks>
/// Audited as <see cref="AuditAction.EmergencyAccessReviewed"/> with the access and client ids (never the note). A forged
/// acknowledgement is refused and audited: by a clinician or admin (Denied by the gate), an unknown id or another
/// practice's (Denied <c>unknown-emergency-access</c>, thrown as not found), one already acknowledged (Failed
/// <c>already-acknowledged</c>, refused with a clear message; a concurrent second acknowledgement loses the versioned
/// update and is refused the same way). An over-long note is refused before anything is stored.
/// </remarks>
public sealed class AcknowledgeEmergencyAccessHandler(
    PracticeAccessGate gate, IEmergencyAccessRepository accesses, IPhiProtector phi, IAuditLog audit, TimeProvider time)
{
    /// <summary>Shown when the access was already acknowledged.</summary>
    public const string AlreadyAcknowledgedMessage = "This emergency access was already acknowledged.";

    /// <summary>Acknowledges; throws <see cref="AccessDeniedException"/>, <see cref="RecordNotFoundException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task HandleAsync(AcknowledgeEmergencyAccessCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanReviewEmergencyAccess, AuditAction.EmergencyAccessReviewed, EmergencyAccess.RecordType, client, ct);
        var access = await accesses.GetAsync(actor.PracticeId, command.Id, ct);
        if (access is null || access.Id != command.Id)
        {
            throw await gate.NotFoundAsync(actor, AuditAction.EmergencyAccessReviewed, EmergencyAccess.RecordType, command.Id.ToString(), client, ct);
        }

        if (access.IsReviewed)
        {
            await FailedAsync(actor, access, client, ct);
            throw new ValidationFailedException(AlreadyAcknowledgedMessage);
        }

        var note = PersonText.Optional(command.Note, "The note", EmergencyAccess.MaxNoteLength, multiline: true);
        var noteCiphertext = note is null
            ? null
            : await phi.ProtectAsync(actor.PracticeId, new PhiField(EmergencyAccess.RecordType, access.Id.ToString(), "review-note"), note, ct);
        try
        {
            await accesses.UpdateAsync(
                actor.PracticeId, access with { ReviewedBy = actor.UserId, ReviewedAt = time.GetUtcNow(), ReviewNoteCiphertext = noteCiphertext }, ct);
        }
        catch (ConcurrencyConflictException)
        {
            await FailedAsync(actor, access, client, ct);
            throw new ValidationFailedException(AlreadyAcknowledgedMessage);
        }

        await audit.RecordAsync(
            new AuditEntry(
                actor.PracticeId, new AuditActor(actor.UserId, actor.Email), client.SourceIp, client.UserAgent, AuditAction.EmergencyAccessReviewed,
                EmergencyAccess.RecordType, access.Id.ToString(), access.ClientId.ToString(), AuditResult.Success,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["note"] = note is null ? "none" : "given" }),
            ct);
    }

    private Task<AuditEvent> FailedAsync(PracticeActor actor, EmergencyAccess access, ClientInfo client, CancellationToken ct) =>
        audit.RecordAsync(
            new AuditEntry(
                actor.PracticeId, new AuditActor(actor.UserId, actor.Email), client.SourceIp, client.UserAgent, AuditAction.EmergencyAccessReviewed,
                EmergencyAccess.RecordType, access.Id.ToString(), access.ClientId.ToString(), AuditResult.Failed,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["reason"] = "already-acknowledged" }),
            ct);
}
