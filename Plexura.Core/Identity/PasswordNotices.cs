using Microsoft.Extensions.Logging;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Users;

namespace Plexura.Core.Identity;

/// <summary>Sends the "your password was changed" notice without letting a delivery failure undo the change.</summary>
internal static class PasswordNotices
{
    public static async Task SendChangedAsync(IEmailSender email, User user, AppOptions app, DateTimeOffset changedAt, ILogger logger, CancellationToken ct)
    {
        try
        {
            await email.SendAsync(AccountEmails.PasswordChanged(user, app, changedAt), ct);
        }
        catch (EmailDeliveryException ex)
        {
            logger.LogWarning(ex, "Password-changed notice for user {UserId} was not delivered.", user.Id);
        }
    }
}
