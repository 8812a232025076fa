using System.Net.Mail;
using Plexura.Core.Common;
using Plexura.Core.Practices;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.SignUp;

/// <summary>Create a practice and its owner's account.</summary>
/// <param name="PracticeName">The practice's name.</param>
/// <param name="OwnerName">The owner's display name.</param>
/// <param name="Email">The owner's email, which becomes their sign-in name.</param>
/// <param name="Password">The owner's chosen password.</param>
/// <param name="TimeZoneId">
/// The practice's time zone as the owner's browser reports it; a missing or unknown zone becomes
/// <see cref="PracticeTimeZone.Default"/> rather than an error (the owner can change it in the practice settings).
/// </param>
public sealed record SignUpCommand(string PracticeName, string OwnerName, string Email, string Password, string? TimeZoneId = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(SignUpCommand)} {{ Password = *** }}";
}

/// <summary>What sign-up made.</summary>
/// <param name="UserId">The owner's new account.</param>
/// <param name="PracticeId">The new practice.</param>
/// <param name="MembershipId">The owner's membership.</param>
/// <param name="VerificationEmailSent">True: the email is queued (stored durably and delivered in the background, with retries).</param>
public sealed record SignUpResult(UserId UserId, PracticeId PracticeId, MembershipId MembershipId, bool VerificationEmailSent);

/// <summary>The rules a <see cref="SignUpCommand"/> must meet.</summary>
public static class SignUpValidation
{
    /// <summary>Longest accepted owner name.</summary>
    public const int MaxOwnerNameLength = 100;

    /// <summary>Throws <see cref="ValidationFailedException"/> with the first broken rule; returns the trimmed values.</summary>
    public static (string PracticeName, string OwnerName, string Email) Validate(SignUpCommand command, PasswordPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(policy);
        var practiceName = PersonText.Optional(command.PracticeName, "The practice name", int.MaxValue) ?? string.Empty;
        if (practiceName.Length is 0 or > Practice.MaxNameLength)
        {
            throw new ValidationFailedException($"Enter a practice name of 1 to {Practice.MaxNameLength} characters.");
        }

        var ownerName = PersonText.Optional(command.OwnerName, "Your name", int.MaxValue) ?? string.Empty;
        if (ownerName.Length is 0 or > MaxOwnerNameLength)
        {
            throw new ValidationFailedException($"Enter your name in 1 to {MaxOwnerNameLength} characters.");
        }

        var email = (command.Email ?? string.Empty).Trim();
        if (!IsEmail(email))
        {
            throw new ValidationFailedException("Enter a valid email address, such as name@example.com.");
        }

        var check = policy.Check(command.Password ?? string.Empty, email, ownerName);
        if (!check.IsValid)
        {
            throw new ValidationFailedException(check.Message!);
        }

        return (practiceName, ownerName, email);
    }

    /// <summary>A bare address (no display name, no angle brackets) that <see cref="MailAddress"/> accepts, at most <see cref="User.MaxEmailLength"/> characters.</summary>
    public static bool IsEmail(string email) =>
        email.Length is > 0 and <= User.MaxEmailLength
        && MailAddress.TryCreate(email, out var address)
        && string.IsNullOrEmpty(address.DisplayName)
        && string.Equals(address.Address, email, StringComparison.Ordinal)
        && PersonText.IsAllowed(email);
}
