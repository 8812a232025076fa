using System.Text;
using Microsoft.Extensions.Options;
using Plexura.Core.Auditing;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Compliance.Checkpoints;

/// <summary>Makes signed checkpoints of a practice's audit chain head.</summary>
public interface IAuditCheckpointService
{
    /// <summary>
    /// Reads the practice's chain head, signs it with the practice's export key, stores the checkpoint and emails the
    /// signed block (hashes only) to the practice's owners and compliance staff.
    /// </summary>
    /// <param name="practiceId">The practice.</param>
    /// <param name="reason">Why: <c>daily</c>, <c>export</c> or <c>on-demand</c> (a short code).</param>
    /// <param name="ct">Cancellation.</param>
    Task<AuditCheckpoint> CreateAsync(PracticeId practiceId, string reason, CancellationToken ct);
}

/// <summary>The checkpoint service. No authorization here: callers are the daily job and use cases that already authorized.</summary>
public sealed class AuditCheckpointService(
    IAuditStore audit, IAuditSigner signer, IAuditCheckpointStore store, ComplianceMail mail, TimeProvider time) : IAuditCheckpointService
{
    /// <inheritdoc />
    public async Task<AuditCheckpoint> CreateAsync(PracticeId practiceId, string reason, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var newest = await audit.QueryAsync(practiceId, new AuditQuery(Limit: 1), ct);
        var now = time.GetUtcNow();
        now = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        var (sequence, hash, headTime) = newest is [var head, ..]
            ? (head.Sequence, head.Hash, head.Timestamp)
            : (AuditChainHead.Genesis.Sequence, AuditChainHead.Genesis.Hash, now);
        var text = CheckpointBlock.SignedText(practiceId, sequence, hash, headTime, now);
        var signature = await signer.SignAsync(practiceId, Encoding.UTF8.GetBytes(text), ct);
        var checkpoint = new AuditCheckpoint(
            Guid.CreateVersion7(now), practiceId, sequence, hash, headTime, now, reason, CheckpointBlock.Write(text, signature), signature.KeyId);
        await store.AddCheckpointAsync(checkpoint.PracticeId, checkpoint, ct);
        await mail.SendCheckpointAsync(checkpoint, ct);
        return checkpoint;
    }
}

/// <summary>The compliance center's emails to a practice's owners and compliance staff: hashes and links only, never PHI.</summary>
public sealed class ComplianceMail(IMembershipRepository memberships, IUserRepository users, IEmailSender email, IOptions<AppOptions> app)
{
    /// <summary>The page that verifies the chain.</summary>
    public const string VerificationPath = "/compliance/verification";

    /// <summary>Emails the signed checkpoint block.</summary>
    public async Task SendCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var link = app.Value.Link(VerificationPath);
        var text =
            $"Plexura made a signed checkpoint of your practice's audit log (sequence {checkpoint.Sequence}).\n\n" +
            "Keep this email: pasting the block below into the verification page proves later that the audit log up to this " +
            $"point was not rewritten. It holds hashes only.\n\n{checkpoint.SignedBlock}\nVerify the audit log: {link}\n";
        var html =
            $"<p>Plexura made a signed checkpoint of your practice's audit log (sequence {checkpoint.Sequence}).</p>" +
            "<p>Keep this email: pasting the block below into the verification page proves later that the audit log up to this " +
            "point was not rewritten. It holds hashes only.</p>" +
            $"<pre>{System.Net.WebUtility.HtmlEncode(checkpoint.SignedBlock)}</pre>" +
            $"<p><a href=\"{System.Net.WebUtility.HtmlEncode(link)}\">Verify the audit log</a></p>";
        await SendToOverseersAsync(checkpoint.PracticeId, "Signed audit log checkpoint", text, html, $"audit-checkpoint/{checkpoint.Id}", "audit-checkpoint", ct);
    }

    /// <summary>Alerts that a verification found the chain broken: a link to the verification page only.</summary>
    public async Task SendBrokenChainAsync(AuditVerification verification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(verification);
        var link = app.Value.Link(VerificationPath);
        var text =
            "A verification of your practice's audit log found it broken: events were altered, removed or rewritten.\n\n" +
            $"See the result and what to do: {link}\n";
        var html =
            "<p>A verification of your practice's audit log found it broken: events were altered, removed or rewritten.</p>" +
            $"<p><a href=\"{System.Net.WebUtility.HtmlEncode(link)}\">See the result and what to do</a></p>";
        await SendToOverseersAsync(verification.PracticeId, "Alert: your audit log failed verification", text, html, $"audit-broken/{verification.Id}", "audit-chain-broken", ct);
    }

    private async Task SendToOverseersAsync(PracticeId practiceId, string subject, string text, string html, string key, string kind, CancellationToken ct)
    {
        foreach (var member in await memberships.ListAsync(practiceId, ct))
        {
            if (member.Role is not (PracticeRole.Owner or PracticeRole.Compliance)
                || await users.GetAsync(member.UserId, ct) is not { } user)
            {
                continue;
            }

            await email.EnqueueAsync(new EmailMessage(user.Email, subject, text, html, $"{key}/{member.UserId}", kind), ct);
        }
    }
}
