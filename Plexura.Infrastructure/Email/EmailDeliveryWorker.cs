using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Infrastructure.Common;
using Plexura.Infrastructure.Configuration;

namespace Plexura.Infrastructure.Email;

/// <summary>Delivers the stored email queue in the background: claims due messages, sends them, retries with backoff.</summary>
/// <remarks>
/// <para>
/// <b>Sent once.</b> A worker claims a message with a versioned update (status sending, its id as lease owner, a lease
/// expiry, one more attempt) before touching the provider; a second worker or instance reading the same message loses
/// that update with a concurrency conflict and skips it. A worker that dies mid-send leaves the lease to lapse; the
/// message is then claimed again and re-sent with the same stored Idempotency-Key, which Resend deduplicates.
/// </para>
/// <para>
/// <b>Retries.</b> Transient failures (network, timeout, 5xx, 429, a key the operator can still fix) go back to pending
/// with exponential backoff and jitter (<see cref="EmailOptions.RetryBaseDelay"/> doubling up to
/// <see cref="EmailOptions.RetryMaxDelay"/>, a provider's Retry-After honoured within that cap) until
/// <see cref="EmailOptions.MaxAttempts"/>; a permanent refusal (a 4xx such as <c>validation_error</c>) fails at once.
/// The defaults span about an hour and a half, inside Resend's 24-hour idempotency window.
/// </para>
/// <para>
/// <b>Wake-up.</b> A queued message wakes the worker at once (<see cref="WakeSignal{TQueue}"/>); otherwise it polls every
/// <see cref="EmailOptions.PollInterval"/> (mail queued by another instance, lapsed leases) or sleeps until the next
/// retry is due. Time comes from <see cref="TimeProvider"/>.
/// </para>
/// <para>
/// <b>Logs</b> name the kind, outbox id, attempt and error code (<see cref="EmailDeliveryException.Code"/>): never the
/// recipient, subject or body, nor the provider's message (it can quote the address).
/// </para>
/// </remarks>
internal sealed class EmailDeliveryWorker(
    IOutboxRepository outbox,
    IServiceScopeFactory scopes,
    WakeSignal<EmailQueue> signal,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<EmailDeliveryWorker> logger) : BackgroundService
{
    /// <summary>This worker's lease-owner id (unique per worker, so two instances never share a lease).</summary>
    public string Owner { get; } = Guid.NewGuid().ToString("N");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting before the first pass.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset? next = null;
            try
            {
                next = await DeliverDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Storage errors name no values; the pass is simply tried again at the next wake-up.
                logger.LogError(ex, "An email delivery pass failed");
            }

            var wait = options.Value.PollInterval;
            if (next is { } due && due - time.GetUtcNow() < wait)
            {
                wait = due - time.GetUtcNow();
            }

            try
            {
                await signal.WaitAsync(wait, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One pass: delivers every due message; returns when the next one falls due, or null when none waits.</summary>
    internal async Task<DateTimeOffset?> DeliverDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? next = null;
        foreach (var message in await outbox.ListUnfinishedAsync(ct))
        {
            var outcome = message.IsDueAt(now) ? await DeliverAsync(message, ct) : message;
            if (outcome?.DueAt is { } due && (next is null || due < next))
            {
                next = due;
            }
        }

        return next;
    }

    /// <summary>Claims, sends and records one message; null when another worker claimed it first.</summary>
    private async Task<OutboxMessage?> DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        var settings = options.Value;
        OutboxMessage claimed;
        try
        {
            claimed = await outbox.UpdateAsync(message.Claim(Owner, time.GetUtcNow(), settings.LeaseDuration), ct);
        }
        catch (ConcurrencyConflictException)
        {
            return null;
        }

        var email = new EmailMessage(
            claimed.To,
            claimed.Subject,
            claimed.TextBody,
            claimed.HtmlBody,
            claimed.IdempotencyKey.Length > 0 ? claimed.IdempotencyKey : $"outbox/{claimed.Id:D}",
            claimed.Kind);
        using var scope = scopes.CreateScope();
        var transport = scope.ServiceProvider.GetRequiredService<IEmailTransport>();
        OutboxMessage outcome;
        try
        {
            await transport.DeliverAsync(email, ct);
            outcome = claimed.Delivered(time.GetUtcNow(), transport.KeepsContent);
            logger.LogInformation("Delivered {Kind} email {OutboxId} on attempt {Attempt}", claimed.Kind, claimed.Id, claimed.Attempts);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down mid-send: hand the message back now rather than after the lease (same key on the retry).
            await RecordAsync(claimed.Retry(time.GetUtcNow(), "interrupted"));
            throw;
        }
        catch (EmailDeliveryException ex) when (ex.IsPermanent)
        {
            outcome = claimed.Failed(time.GetUtcNow(), ex.Code, transport.KeepsContent);
            logger.LogError("Gave up on {Kind} email {OutboxId}: the provider refused it ({Error})", claimed.Kind, claimed.Id, ex.Code);
        }
        catch (Exception ex)
        {
            var code = ex is EmailDeliveryException delivery ? delivery.Code : ex.GetType().Name;
            if (claimed.Attempts >= settings.MaxAttempts)
            {
                outcome = claimed.Failed(time.GetUtcNow(), code, transport.KeepsContent);
                logger.LogError("Gave up on {Kind} email {OutboxId} after {Attempts} attempts ({Error})", claimed.Kind, claimed.Id, claimed.Attempts, code);
            }
            else
            {
                var delay = Backoff(claimed.Attempts, (ex as EmailDeliveryException)?.RetryAfter, settings);
                outcome = claimed.Retry(time.GetUtcNow() + delay, code);
                logger.LogWarning(
                    "{Kind} email {OutboxId} not delivered on attempt {Attempt} ({Error}); next attempt in {Delay}",
                    claimed.Kind, claimed.Id, claimed.Attempts, code, delay);
            }
        }

        return await RecordAsync(outcome);
    }

    /// <summary>Stores an outcome; if the lease was lost meanwhile, the new owner's record stands.</summary>
    /// <remarks>Not cancellable: a delivered email must be recorded as such even while the app stops.</remarks>
    private async Task<OutboxMessage?> RecordAsync(OutboxMessage outcome)
    {
        try
        {
            return await outbox.UpdateAsync(outcome, CancellationToken.None);
        }
        catch (ConcurrencyConflictException)
        {
            logger.LogWarning("Lost the lease on {Kind} email {OutboxId} before recording its outcome", outcome.Kind, outcome.Id);
            return null;
        }
    }

    /// <summary>The wait before the next attempt (<see cref="RetryBackoff.Compute"/> with the email settings).</summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan? retryAfter, EmailOptions settings) =>
        RetryBackoff.Compute(attempt, retryAfter, settings.RetryBaseDelay, settings.RetryMaxDelay);
}
