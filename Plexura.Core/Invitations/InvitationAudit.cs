using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Invitations;

/// <summary>Writes invitation events: ids and codes only, never the invitee's email or the token.</summary>
internal static class InvitationAudit
{
    public static Task<AuditEvent> RecordAsync(
        IAuditLog audit,
        PracticeId practiceId,
        AuditActor actor,
        ClientInfo client,
        AuditAction action,
        AuditResult result,
        InvitationId? invitationId,
        CancellationToken ct,
        params (string Key, string Value)[] details) =>
        audit.RecordAsync(
            new AuditEntry(
                practiceId,
                actor,
                client.SourceIp,
                client.UserAgent,
                action,
                "invitation",
                invitationId?.ToString(),
                null,
                result,
                details.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal)),
            ct);
}
