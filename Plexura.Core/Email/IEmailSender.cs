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

/// <summary>Queues transactional email: stores it durably and returns; a background worker delivers it.</summary>
/// <remarks>
/// <para>
/// <b>Nothing waits on the provider.</b> A use case only writes the message to the stored queue, so a slow or failing
/// provider never slows a request, and a request's duration cannot tell whether an email went out (account
/// enumeration by timing). The worker delivers with retries and backoff, so mail also survives a provider outage and
/// a restart.
/// </para>
/// <para>
/// A flow that mails only existing accounts calls <see cref="SuppressAsync"/> for an unknown address, so both answers
/// cost the same storage write.
/// </para>
/// </remarks>
public interface IEmailSender
{
    /// <summary>Stores <paramref name="message"/> for delivery and wakes the delivery worker.</summary>
    Task EnqueueAsync(EmailMessage message, CancellationToken ct);

    /// <summary>
    /// Stores a content-free stand-in of kind <paramref name="kind"/> that is never sent, in place of an email to an
    /// address with no account: the same write as <see cref="EnqueueAsync"/>, without the address (which may be a
    /// password typed into the wrong field).
    /// </summary>
    Task SuppressAsync(string kind, CancellationToken ct);
}

/// <summary>An email could not be delivered to the provider.</summary>
/// <remarks>
/// The message names the HTTP status and the provider's error code only: never the recipient, the subject or the
/// body, because exception messages reach logs.
/// </remarks>
public sealed class EmailDeliveryException : Exception
{
    /// <summary>Creates the exception with a safe message.</summary>
    public EmailDeliveryException(string message, int? statusCode = null, string? errorName = null, Exception? innerException = null, TimeSpan? retryAfter = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorName = errorName;
        RetryAfter = retryAfter;
    }

    /// <summary>The last HTTP status, or null when the provider was not reached.</summary>
    public int? StatusCode { get; }

    /// <summary>The provider's error code (for example <c>validation_error</c>), or null.</summary>
    public string? ErrorName { get; }

    /// <summary>How long the provider asked us to wait (429 or 503 with Retry-After), or null.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// Whether trying again cannot help: a 4xx other than 401 and 403 (a key the operator can fix), 408 (timeout), 429
    /// (rate limit) and a 409 <c>concurrent_idempotent_requests</c> (the same key still in flight). Network errors and
    /// 5xx are transient.
    /// </summary>
    public bool IsPermanent =>
        StatusCode is >= 400 and < 500 and not (401 or 403 or 408 or 429)
        && !(StatusCode == 409 && ErrorName == "concurrent_idempotent_requests");

    /// <summary>The status and error code only, safe to store and log (never the provider's message).</summary>
    public string Code => StatusCode is { } status ? $"{status} {ErrorName ?? "unknown_error"}" : "unreachable";
}
