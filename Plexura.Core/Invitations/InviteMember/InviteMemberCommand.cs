using Plexura.Core.Common;
using Plexura.Core.Memberships;

namespace Plexura.Core.Invitations.InviteMember;

/// <summary>Invite someone by email to join the signed-in user's practice.</summary>
/// <param name="Email">The invitee's email address.</param>
/// <param name="Role">The role they get: <see cref="PracticeRole.Admin"/> (owners only), <see cref="PracticeRole.Clinician"/> or <see cref="PracticeRole.Compliance"/>.</param>
public sealed record InviteMemberCommand(string Email, PracticeRole Role);

/// <summary>The invitation that was made.</summary>
/// <param name="InvitationId">The new invitation.</param>
/// <param name="ExpiresAt">When its link stops working.</param>
/// <param name="EmailSent">True: the email is queued (stored durably and delivered in the background, with retries).</param>
public sealed record InviteMemberResult(InvitationId InvitationId, DateTimeOffset ExpiresAt, bool EmailSent);
