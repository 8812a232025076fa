namespace Plexura.Core.Email;

/// <summary>One transactional email: an invitation, a verification, a password reset or a security alert.</summary>
/// <param name="To">The recipient's address.</param>
/// <param name="Subject">The subject line.</param>
/// <param name="TextBody">The plain-text body.</param>
/// <param name="HtmlBody">The HTML body.</param>
/// <param name="IdempotencyKey">
/// Identifies this one email (for example <c>invitation/{invitationId}</c>); a retry with the same key is sent at most
/// once by the provider. At most <see cref="MaxIdempotencyKeyLength"/> characters.
/// </param>
/// <param name="Kind">A short code for logs and the outbox, for example <c>invitation</c> or <c>password-reset</c>.</param>
/// <remarks>
/// Emails carry links only, never PHI: an email leaves the system unencrypted and sits in inboxes we do not control.
/// </remarks>
public sealed record EmailMessage(string To, string Subject, string TextBody, string HtmlBody, string IdempotencyKey, string Kind)
{
    /// <summary>The longest idempotency key the provider accepts.</summary>
    public const int MaxIdempotencyKeyLength = 256;
}

/// <summary>Sends transactional email (Resend in production, the storage outbox in development).</summary>
public interface IEmailSender
{
    /// <summary>Sends <paramref name="message"/>, retrying transient failures.</summary>
    /// <exception cref="EmailDeliveryException">The provider refused the message or stayed unavailable.</exception>
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>An email could not be delivered to the provider.</summary>
/// <remarks>
/// The message names the HTTP status and the provider's error code only: never the recipient, the subject or the
/// body, because exception messages reach logs.
/// </remarks>
public sealed class EmailDeliveryException : Exception
{
    /// <summary>Creates the exception with a safe message.</summary>
    public EmailDeliveryException(string message, int? statusCode = null, string? errorName = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorName = errorName;
    }

    /// <summary>The last HTTP status, or null when the provider was not reached.</summary>
    public int? StatusCode { get; }

    /// <summary>The provider's error code (for example <c>validation_error</c>), or null.</summary>
    public string? ErrorName { get; }
}
