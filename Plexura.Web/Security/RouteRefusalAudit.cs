using System.Security.Claims;
using Plexura.Core.Auditing;
using Plexura.Core.Identity;
using Plexura.Core.Users;
using Plexura.Web.Security.Authentication;

namespace Plexura.Web.Security;

/// <summary>Writes a Denied audit event when a page or endpoint policy turns a signed-in member away.</summary>
/// <remarks>
/// Use cases audit the refusals they decide; a policy on a route refuses before any use case runs (a compliance
/// officer calling a client endpoint, a clinician opening the members page), and HIPAA's audit controls want those
/// attempts seen too. The target is the route's pattern or the page path (ids only, never query strings or PHI). A
/// signed-in user without a practice has no practice chain to write to, so nothing is written for them. The actor's
/// email is read from the stored user, never from the token's claim: a token states the email it was issued with (or
/// whatever a forger wrote), and the audit log must name the account as it is.
/// </remarks>
public sealed class RouteRefusalAudit(IAuditLog audit, IUserRepository users)
{
    /// <summary>Records the refusal of <paramref name="target"/> to the signed-in <paramref name="user"/>, if they act in a practice.</summary>
    public Task RecordAsync(ClaimsPrincipal user, string targetType, string target, string? policy, ClientInfo client, CancellationToken ct) =>
        RecordAsync(PlexuraPrincipal.ToClaims(user)?.Subject, targetType, target, policy, client, ct);

    /// <summary>Records the refusal of <paramref name="target"/> to <paramref name="user"/>, if they act in a practice.</summary>
    public Task RecordAsync(TokenSubject? user, string targetType, string target, string? policy, ClientInfo client, CancellationToken ct) =>
        RecordAsync(user, targetType, target, policy, "policy", client, ct);

    /// <summary>Records a refusal for another <paramref name="reason"/> than a route policy (a forged request).</summary>
    public Task RecordAsync(ClaimsPrincipal user, string targetType, string target, string? policy, string reason, ClientInfo client, CancellationToken ct) =>
        RecordAsync(PlexuraPrincipal.ToClaims(user)?.Subject, targetType, target, policy, reason, client, ct);

    private async Task RecordAsync(TokenSubject? user, string targetType, string target, string? policy, string reason, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (user is not { PracticeId: { } practiceId } subject)
        {
            return;
        }

        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["reason"] = reason };
        if (!string.IsNullOrEmpty(policy))
        {
            details["policy"] = policy;
        }

        var stored = await users.GetAsync(subject.UserId, ct);
        await audit.RecordAsync(
            new AuditEntry(
                practiceId, new AuditActor(subject.UserId, stored?.Email), client.SourceIp, client.UserAgent, AuditAction.AccessRefused,
                targetType, target, null, AuditResult.Denied, details),
            ct);
    }
}
