using System.Net;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Memberships;

namespace Plexura.Core.Invitations;

/// <summary>Builds and queues the invitation email.</summary>
/// <remarks>
/// The email names the practice, the inviter and the role, and carries the link: no PHI, no password. The token is
/// only in the link, never in logs. Each send has its own idempotency key (<c>invitation/{id}/{sendCount}</c>), so a
/// provider retry does not send twice and a resend is not swallowed as a duplicate. Delivery happens in the
/// background (<see cref="IEmailSender"/>), so a provider failure cannot undo the invitation.
/// </remarks>
internal static class InvitationMail
{
    public static async Task<bool> SendAsync(
        IEmailSender email, AppOptions app, Invitation invitation, InvitationToken token, string practiceName, string inviterName, CancellationToken ct)
    {
        var link = app.Link("/account/accept-invitation?token=" + Uri.EscapeDataString(token.Value));
        var role = RoleWords.WithArticle(invitation.Role);
        var hours = (int)Invitation.Lifetime.TotalHours;
        var text =
            $"{inviterName} invited you to join {practiceName} on Plexura as {role}.\n\n" +
            $"Accept the invitation:\n\n{link}\n\n" +
            $"The link works for {hours} hours. If you did not expect this invitation, ignore this email.";
        var html =
            $"<p>{Encode(inviterName)} invited you to join {Encode(practiceName)} on Plexura as {role}.</p>" +
            $"<p><a href=\"{Encode(link)}\">Accept the invitation</a></p>" +
            $"<p>The link works for {hours} hours. If you did not expect this invitation, ignore this email.</p>";
        var message = new EmailMessage(
            invitation.Email,
            $"Join {practiceName} on Plexura",
            text,
            html,
            $"invitation/{invitation.Id}/{invitation.SendCount}",
            "invitation");
        await email.EnqueueAsync(message, ct);
        return true;
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
