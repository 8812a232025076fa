using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Users;

namespace Plexura.Core.Identity;

/// <summary>Queues the "your password was changed" notice; delivery happens in the background, so it cannot undo the change.</summary>
internal static class PasswordNotices
{
    public static Task SendChangedAsync(IEmailSender email, User user, AppOptions app, DateTimeOffset changedAt, CancellationToken ct) =>
        email.EnqueueAsync(AccountEmails.PasswordChanged(user, app, changedAt), ct);
}
