using System.Buffers.Text;
using System.Security.Cryptography;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;

namespace Plexura.Core.Invitations;

/// <summary>Where an invitation stands at a given moment.</summary>
public enum InvitationStatus
{
    /// <summary>Sent, not yet used, not expired, not revoked: the link works.</summary>
    Pending,

    /// <summary>Not used within its lifetime; it can be resent.</summary>
    Expired,

    /// <summary>Used: the invitee became a member.</summary>
    Accepted,

    /// <summary>Withdrawn by an owner or admin before it was used.</summary>
    Revoked,
}

/// <summary>An invitation for one email address to join a practice with a role.</summary>
/// <param name="Id">The invitation id.</param>
/// <param name="PracticeId">The inviting practice.</param>
/// <param name="Email">The invitee's email, normalized.</param>
/// <param name="Role">The role the invitee gets on accepting.</param>
/// <param name="TokenHash">SHA-256 (base64url) of the current link's token; the token itself is never stored.</param>
/// <param name="CreatedAt">When it was first sent.</param>
/// <param name="ExpiresAt">When the current link stops working.</param>
/// <param name="InvitedBy">Who sent it first.</param>
/// <param name="LastSentAt">When it was last sent (or resent).</param>
/// <param name="SendCount">How many times it was sent; part of each email's idempotency key.</param>
/// <param name="AcceptedAt">When it was accepted, or null.</param>
/// <param name="AcceptedByUserId">The account that accepted it, or null.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
/// <param name="Version">The optimistic-concurrency version; it is what makes a token single-use under races.</param>
/// <remarks>
/// The token is stored only as its hash, like the email-verification token: someone who reads the database cannot
/// join a practice. A resend replaces the hash, so the previous link stops working. The hash stays after acceptance
/// or revocation so a reused link is recognised and refused.
/// </remarks>
public sealed record Invitation(
    InvitationId Id,
    PracticeId PracticeId,
    string Email,
    PracticeRole Role,
    string TokenHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    UserId InvitedBy,
    DateTimeOffset LastSentAt,
    int SendCount = 1,
    DateTimeOffset? AcceptedAt = null,
    UserId? AcceptedByUserId = null,
    DateTimeOffset? RevokedAt = null,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>How long an invitation link works after it was (re)sent.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(72);

    /// <summary>The status at <paramref name="now"/>.</summary>
    public InvitationStatus StatusAt(DateTimeOffset now) =>
        AcceptedAt is not null ? InvitationStatus.Accepted
        : RevokedAt is not null ? InvitationStatus.Revoked
        : now >= ExpiresAt ? InvitationStatus.Expired
        : InvitationStatus.Pending;
}

/// <summary>A new invitation token: the value for the link, and the hash to store.</summary>
/// <param name="Value">32 random bytes, base64url: goes into the link only, never stored or logged.</param>
/// <param name="Hash">SHA-256 of <see cref="Value"/>, base64url: the only form stored.</param>
/// <param name="ExpiresAt">When the link stops working.</param>
public sealed record InvitationToken(string Value, string Hash, DateTimeOffset ExpiresAt)
{
    /// <summary>A fresh token from a CSPRNG, valid for <see cref="Invitation.Lifetime"/> from <paramref name="now"/>.</summary>
    public static InvitationToken Create(DateTimeOffset now)
    {
        var value = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return new InvitationToken(value, HashOf(value), now + Invitation.Lifetime);
    }

    /// <summary>The stored form of a token as it came back in a link; empty for a missing or oversized token.</summary>
    public static string HashOf(string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Length > 256 ? string.Empty : EmailVerificationToken.HashOf(value.Trim());

    /// <inheritdoc />
    public override string ToString() => $"{nameof(InvitationToken)} {{ ExpiresAt = {ExpiresAt:O} }}";
}
