using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Invitations.ListInvitations;

/// <summary>List the invitations of the signed-in user's practice.</summary>
public sealed record ListInvitationsCommand;

/// <summary>One invitation as the members page shows it.</summary>
/// <param name="InvitationId">The invitation.</param>
/// <param name="Email">The invitee's email.</param>
/// <param name="Role">The role offered.</param>
/// <param name="Status">Where it stands now.</param>
/// <param name="InvitedBy">Who sent it first.</param>
/// <param name="CreatedAt">When it was first sent.</param>
/// <param name="LastSentAt">When it was last sent.</param>
/// <param name="SendCount">How many times it was sent.</param>
/// <param name="ExpiresAt">When its current link stops (or stopped) working.</param>
/// <param name="AcceptedAt">When it was accepted, or null.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
public sealed record InvitationSummary(
    InvitationId InvitationId,
    string Email,
    PracticeRole Role,
    InvitationStatus Status,
    UserId InvitedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSentAt,
    int SendCount,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? RevokedAt);

/// <summary>Lists the practice's invitations, newest first, with their status now.</summary>
/// <remarks>Owners and admins with a second factor only (<see cref="PracticePolicy.CanManageMembers"/>): the list names people who may soon reach PHI.</remarks>
public sealed class ListInvitationsHandler(PracticeAccessGate gate, IInvitationRepository invitations, TimeProvider time)
{
    /// <summary>The invitations; throws <see cref="AccessDeniedException"/> when not allowed.</summary>
    public async Task<IReadOnlyList<InvitationSummary>> HandleAsync(ListInvitationsCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanManageMembers, AuditAction.AdministrationViewed, "invitation", client, ct);
        var now = time.GetUtcNow();
        var all = await invitations.ListAsync(actor.PracticeId, ct);
        return
        [
            .. all
                .OrderByDescending(i => i.CreatedAt)
                .ThenByDescending(i => i.Id.Value)
                .Select(i => new InvitationSummary(
                    i.Id, i.Email, i.Role, i.StatusAt(now), i.InvitedBy, i.CreatedAt, i.LastSentAt, i.SendCount, i.ExpiresAt, i.AcceptedAt, i.RevokedAt)),
        ];
    }
}
