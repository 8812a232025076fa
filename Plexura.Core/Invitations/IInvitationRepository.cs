using Plexura.Core.Common;

namespace Plexura.Core.Invitations;

/// <summary>Stores invitations. Every method but the token lookup is limited to one practice.</summary>
public interface IInvitationRepository
{
    /// <summary>Adds an invitation.</summary>
    Task AddAsync(PracticeId practiceId, Invitation invitation, CancellationToken ct);

    /// <summary>The invitation in this practice, or null.</summary>
    Task<Invitation?> GetAsync(PracticeId practiceId, InvitationId invitationId, CancellationToken ct);

    /// <summary>Every invitation of this practice, oldest first, in every status.</summary>
    Task<IReadOnlyList<Invitation>> ListAsync(PracticeId practiceId, CancellationToken ct);

    /// <summary>The invitations of this practice to this email (normalized before lookup), in every status.</summary>
    Task<IReadOnlyList<Invitation>> ListForEmailAsync(PracticeId practiceId, string email, CancellationToken ct);

    /// <summary>Replaces the invitation; fails with <see cref="ConcurrencyConflictException"/> when stale.</summary>
    Task<Invitation> UpdateAsync(PracticeId practiceId, Invitation invitation, CancellationToken ct);

    /// <summary>The invitation whose current token has this SHA-256 hash (base64url), or null.</summary>
    [CrossPractice("An invitee opening the emailed link is not signed in and has only the token; it decides the practice.")]
    Task<Invitation?> FindByTokenHashAsync(string tokenHash, CancellationToken ct);
}
