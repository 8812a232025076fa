using System.Globalization;
using System.Net;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Users;

namespace Plexura.Core.Identity;

/// <summary>The account emails: verification link, password-reset link and security notices.</summary>
/// <remarks>Every one carries a link and nothing else of the account: emails travel unencrypted and stay in inboxes.</remarks>
internal static class AccountEmails
{
    /// <summary>The email-verification link.</summary>
    public static EmailMessage Verification(User user, EmailVerificationToken token, AppOptions app)
    {
        var link = app.Link("/account/verify-email?token=" + Uri.EscapeDataString(token.Value));
        var html = WebUtility.HtmlEncode(link);
        return new EmailMessage(
            user.Email,
            "Confirm your email for Plexura",
            $"Confirm your email address to finish setting up Plexura:\n\n{link}\n\nThe link works for 24 hours. If you did not sign up, ignore this email.",
            $"<p>Confirm your email address to finish setting up Plexura:</p><p><a href=\"{html}\">Confirm my email</a></p><p>The link works for 24 hours. If you did not sign up, ignore this email.</p>",
            $"email-verification/{user.Id}/{token.Hash[..16]}",
            "email-verification");
    }

    /// <summary>The password-reset link.</summary>
    public static EmailMessage PasswordReset(User user, PasswordResetToken token, AppOptions app)
    {
        var link = app.Link("/account/reset-password?token=" + Uri.EscapeDataString(token.Value));
        var html = WebUtility.HtmlEncode(link);
        var minutes = ((int)PasswordResetToken.Lifetime.TotalMinutes).ToString(CultureInfo.InvariantCulture);
        return new EmailMessage(
            user.Email,
            "Reset your Plexura password",
            $"Someone asked to reset the password of your Plexura account. To choose a new password, open:\n\n{link}\n\nThe link works once, for {minutes} minutes. If you did not ask for this, ignore this email: your password stays as it is.",
            $"<p>Someone asked to reset the password of your Plexura account.</p><p><a href=\"{html}\">Choose a new password</a></p><p>The link works once, for {minutes} minutes. If you did not ask for this, ignore this email: your password stays as it is.</p>",
            $"password-reset/{user.Id}/{token.Hash[..16]}",
            "password-reset");
    }

    /// <summary>The notice that the password changed, sent after a reset or a change.</summary>
    /// <param name="user">The account.</param>
    /// <param name="app">Where the app is served.</param>
    /// <param name="changedAt">When it changed (makes the idempotency key unique per change).</param>
    public static EmailMessage PasswordChanged(User user, AppOptions app, DateTimeOffset changedAt)
    {
        var link = app.Link("/account/forgot-password");
        var html = WebUtility.HtmlEncode(link);
        return new EmailMessage(
            user.Email,
            "Your Plexura password was changed",
            $"The password of your Plexura account was just changed. If it was you, there is nothing to do.\n\nIf it was not you, reset your password now and contact your practice administrator:\n\n{link}",
            $"<p>The password of your Plexura account was just changed. If it was you, there is nothing to do.</p><p>If it was not you, <a href=\"{html}\">reset your password now</a> and contact your practice administrator.</p>",
            $"password-changed/{user.Id}/{changedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}",
            "password-changed");
    }
}
