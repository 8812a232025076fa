using System.Net;
using Microsoft.Extensions.Logging;
using Plexura.Core.Common;
using Plexura.Core.Email;

namespace Plexura.Core.Invitations;

/// <summary>Builds and sends the invitation email.</summary>
/// <remarks>
/// The email names the practice, the inviter and the role, and carries the link: no PHI, no password. The token is
/// only in the link, never in logs. Each send has its own idempotency key (<c>invitation/{id}/{sendCount}</c>), so a
/// provider retry does not send twice and a resend is not swallowed as a duplicate. A delivery failure does not undo
/// the invitation: it can be resent.
/// </remarks>
internal static class InvitationMail
{
    public static async Task<bool> SendAsync(
        IEmailSender email, AppOptions app, ILogger logger, Invitation invitation, InvitationToken token, string practiceName, string inviterName, CancellationToken ct)
    {
        var link = app.Link("/account/accept-invitation?token=" + Uri.EscapeDataString(token.Value));
        var role = invitation.Role.ToString().ToLowerInvariant();
        var article = role.StartsWith('a') ? "an" : "a";
        var hours = (int)Invitation.Lifetime.TotalHours;
        var text =
            $"{inviterName} invited you to join {practiceName} on Plexura as {article} {role}.\n\n" +
            $"Accept the invitation:\n\n{link}\n\n" +
            $"The link works for {hours} hours. If you did not expect this invitation, ignore this email.";
        var html =
            $"<p>{Encode(inviterName)} invited you to join {Encode(practiceName)} on Plexura as {article} {role}.</p>" +
            $"<p><a href=\"{Encode(link)}\">Accept the invitation</a></p>" +
            $"<p>The link works for {hours} hours. If you did not expect this invitation, ignore this email.</p>";
        var message = new EmailMessage(
            invitation.Email,
            $"Join {practiceName} on Plexura",
            text,
            html,
            $"invitation/{invitation.Id}/{invitation.SendCount}",
            "invitation");
        try
        {
            await email.SendAsync(message, ct);
            return true;
        }
        catch (EmailDeliveryException ex)
        {
            logger.LogWarning(ex, "Invitation email {InvitationId} of practice {PracticeId} was not delivered.", invitation.Id, invitation.PracticeId);
            return false;
        }
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
