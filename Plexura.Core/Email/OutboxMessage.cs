using Plexura.Core.Common;

namespace Plexura.Core.Email;

/// <summary>Where a stored email is in its life.</summary>
public enum OutboxStatus
{
    /// <summary>Delivered (to the provider, or to the development outbox). Also what a record from before the queue is.</summary>
    Sent,

    /// <summary>Waiting for its next attempt (<see cref="OutboxMessage.NextAttemptAt"/>).</summary>
    Pending,

    /// <summary>Claimed by one delivery worker until <see cref="OutboxMessage.LeaseExpiresAt"/>.</summary>
    Sending,

    /// <summary>Given up: the provider refused it for good, or every attempt failed.</summary>
    Failed,

    /// <summary>Never sent: stands in for an email to an address with no account, so both cost the same write.</summary>
    Suppressed,
}

/// <summary>One email in the stored queue: written by the request, delivered in the background, retried with backoff.</summary>
/// <param name="Id">The message id.</param>
/// <param name="To">The recipient's address (empty for a <see cref="OutboxStatus.Suppressed"/> stand-in).</param>
/// <param name="Subject">The subject line (emptied once delivered through a real provider).</param>
/// <param name="TextBody">The plain-text body (emptied once delivered through a real provider).</param>
/// <param name="HtmlBody">The HTML body (emptied once delivered through a real provider).</param>
/// <param name="Kind">The short code of the email's purpose.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="Version">Optimistic-concurrency version: every claim and outcome is a versioned update.</param>
/// <remarks>
/// <para>
/// Bodies hold links only, never PHI (see <see cref="EmailMessage"/>). Once a real provider has the message, or has
/// refused it for good, its subject and bodies are blanked: the live reset and verification links it held then stay
/// only in the recipient's inbox, not in the database.
/// </para>
/// <para>
/// <see cref="LastError"/> is an HTTP status and the provider's error code (for example <c>422 validation_error</c>),
/// never the provider's message, which can quote the recipient.
/// </para>
/// </remarks>
[GlobalRecord("Transactional email goes to people before they belong to a practice (sign-up, invitations, resets).")]
public sealed record OutboxMessage(
    Guid Id,
    string To,
    string Subject,
    string TextBody,
    string HtmlBody,
    string Kind,
    DateTimeOffset CreatedAt,
    long Version = 0) : IVersioned
{
    /// <summary>The key every delivery attempt carries, so the provider sends the email at most once.</summary>
    public string IdempotencyKey { get; init; } = string.Empty;

    /// <summary>Where the message is; a record stored before the queue existed reads as <see cref="OutboxStatus.Sent"/>.</summary>
    public OutboxStatus Status { get; init; } = OutboxStatus.Sent;

    /// <summary>Delivery attempts started so far (a claim counts, so a message that crashes its worker still runs out).</summary>
    public int Attempts { get; init; }

    /// <summary>When a <see cref="OutboxStatus.Pending"/> message is due.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The worker that claimed it (while <see cref="OutboxStatus.Sending"/>).</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>When the claim lapses and another worker may take the message over.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>The last failure as a status and error code, never the provider's message.</summary>
    public string? LastError { get; init; }

    /// <summary>When it was delivered, failed for good or suppressed.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>A new message, due now.</summary>
    public static OutboxMessage Queue(EmailMessage email, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(email);
        return new OutboxMessage(Guid.CreateVersion7(now), email.To, email.Subject, email.TextBody, email.HtmlBody, email.Kind, now)
        {
            IdempotencyKey = email.IdempotencyKey,
            Status = OutboxStatus.Pending,
            NextAttemptAt = now,
        };
    }

    /// <summary>A content-free stand-in for an email that is not sent (no account has the address).</summary>
    public static OutboxMessage Suppressed(string kind, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), string.Empty, string.Empty, string.Empty, string.Empty, kind, now)
        {
            Status = OutboxStatus.Suppressed,
            FinishedAt = now,
        };

    /// <summary>Whether a worker may claim it at <paramref name="now"/>: due, or claimed by a worker whose lease lapsed.</summary>
    public bool IsDueAt(DateTimeOffset now) => Status switch
    {
        OutboxStatus.Pending => NextAttemptAt is not { } due || due <= now,
        OutboxStatus.Sending => LeaseExpiresAt is not { } expires || expires <= now,
        _ => false,
    };

    /// <summary>When it becomes claimable, or null when it never will.</summary>
    public DateTimeOffset? DueAt => Status switch
    {
        OutboxStatus.Pending => NextAttemptAt ?? CreatedAt,
        OutboxStatus.Sending => LeaseExpiresAt ?? CreatedAt,
        _ => null,
    };

    /// <summary>Claimed by <paramref name="owner"/> until <paramref name="now"/> + <paramref name="lease"/>; one more attempt.</summary>
    public OutboxMessage Claim(string owner, DateTimeOffset now, TimeSpan lease) => this with
    {
        Status = OutboxStatus.Sending,
        Attempts = Attempts + 1,
        LeaseOwner = owner,
        LeaseExpiresAt = now + lease,
    };

    /// <summary>Delivered; the content is blanked unless <paramref name="keepContent"/> (the development outbox shows it).</summary>
    public OutboxMessage Delivered(DateTimeOffset now, bool keepContent) => Finish(OutboxStatus.Sent, now, LastError, keepContent);

    /// <summary>Failed for good; the content is blanked unless <paramref name="keepContent"/>.</summary>
    public OutboxMessage Failed(DateTimeOffset now, string error, bool keepContent) => Finish(OutboxStatus.Failed, now, error, keepContent);

    /// <summary>Back to pending, due at <paramref name="nextAttemptAt"/>.</summary>
    public OutboxMessage Retry(DateTimeOffset nextAttemptAt, string error) => this with
    {
        Status = OutboxStatus.Pending,
        NextAttemptAt = nextAttemptAt,
        LeaseOwner = null,
        LeaseExpiresAt = null,
        LastError = error,
    };

    private OutboxMessage Finish(OutboxStatus status, DateTimeOffset now, string? error, bool keepContent) => this with
    {
        Status = status,
        FinishedAt = now,
        NextAttemptAt = null,
        LeaseOwner = null,
        LeaseExpiresAt = null,
        LastError = error,
        Subject = keepContent ? Subject : string.Empty,
        TextBody = keepContent ? TextBody : string.Empty,
        HtmlBody = keepContent ? HtmlBody : string.Empty,
    };
}

/// <summary>Stores the email queue (which is also what the development outbox page shows).</summary>
public interface IOutboxRepository
{
    /// <summary>Adds a message.</summary>
    Task AddAsync(OutboxMessage message, CancellationToken ct);

    /// <summary>The message, or null.</summary>
    Task<OutboxMessage?> GetAsync(Guid id, CancellationToken ct);

    /// <summary>The newest <paramref name="limit"/> messages, newest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListNewestAsync(int limit, CancellationToken ct);

    /// <summary>Every <see cref="OutboxStatus.Pending"/> and <see cref="OutboxStatus.Sending"/> message, oldest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListUnfinishedAsync(CancellationToken ct);

    /// <summary>
    /// Deletes messages queued before <paramref name="before"/> that are finished (sent, suppressed or failed for
    /// good); returns how many. A message still waiting or being sent stays, whatever its age.
    /// </summary>
    Task<int> DeleteFinishedBeforeAsync(DateTimeOffset before, CancellationToken ct);

    /// <summary>
    /// Replaces the message if its stored version is still the one it carries (a claim or an outcome); throws
    /// <see cref="ConcurrencyConflictException"/> when another worker changed it first.
    /// </summary>
    Task<OutboxMessage> UpdateAsync(OutboxMessage message, CancellationToken ct);
}
