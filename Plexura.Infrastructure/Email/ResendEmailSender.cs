using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexura.Core.Email;
using Plexura.Infrastructure.Configuration;
using Polly.Timeout;

namespace Plexura.Infrastructure.Email;

/// <summary>Delivers email through Resend's HTTP API (<c>POST /emails</c>), one attempt per call.</summary>
/// <remarks>
/// Retries belong to the outbox worker (<see cref="EmailDeliveryWorker"/>), with backoff measured in minutes and kept
/// across restarts; this client only bounds one attempt in time (<see cref="ResendResilience"/>). Every attempt
/// carries the message's stored idempotency key, so Resend sends the email at most once however often it is retried.
/// A 429 or 503's Retry-After is passed on in the exception. Logs name the message kind and Resend's id only: never
/// the recipient, subject or body.
/// </remarks>
internal sealed class ResendEmailSender(HttpClient http, IOptions<EmailOptions> options, ILogger<ResendEmailSender> logger) : IEmailTransport
{
    public bool KeepsContent => false;

    public async Task DeliverAsync(EmailMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(message.IdempotencyKey) || message.IdempotencyKey.Length > EmailMessage.MaxIdempotencyKeyLength)
        {
            throw new ArgumentException($"The idempotency key must be 1-{EmailMessage.MaxIdempotencyKeyLength} characters.", nameof(message));
        }

        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, "emails")
        {
            Content = JsonContent.Create(
                new ResendSendRequest(settings.From, [message.To], message.Subject, message.HtmlBody, message.TextBody),
                ResendJsonContext.Default.ResendSendRequest),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ResendApiKey);
        request.Headers.Add("Idempotency-Key", message.IdempotencyKey);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException
            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning("Resend could not be reached for a {Kind} email ({Error})", message.Kind, ex.GetType().Name);
            throw new EmailDeliveryException($"Resend could not be reached ({ex.GetType().Name}).", innerException: ex);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                var sent = await ReadAsync(response, ResendJsonContext.Default.ResendSendResponse, ct);
                logger.LogInformation("Sent a {Kind} email through Resend as {ResendId}", message.Kind, sent?.Id);
                return;
            }

            var status = (int)response.StatusCode;
            var error = await ReadAsync(response, ResendJsonContext.Default.ResendError, ct);
            var name = error?.Name is { Length: > 0 and <= 64 } n ? n : null;
            logger.LogWarning("Resend refused a {Kind} email: {Status} {ErrorName}", message.Kind, status, name);
            throw new EmailDeliveryException(
                $"Resend refused the email: {status} {name ?? "unknown_error"}.", status, name, retryAfter: ResendResilience.RetryAfter(response));
        }
    }

    /// <summary>The body as <typeparamref name="T"/>, or null when it is not the JSON Resend documents (a proxy's page).</summary>
    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, ct);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }
}

/// <summary>The body of <c>POST /emails</c>, in Resend's wire format.</summary>
internal sealed record ResendSendRequest(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] IReadOnlyList<string> To,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("html")] string Html,
    [property: JsonPropertyName("text")] string Text);

/// <summary>Resend's answer to a successful send.</summary>
internal sealed record ResendSendResponse([property: JsonPropertyName("id")] string? Id);

/// <summary>Resend's error body.</summary>
internal sealed record ResendError(
    [property: JsonPropertyName("statusCode")] int? StatusCode,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("message")] string? Message);

[JsonSerializable(typeof(ResendSendRequest))]
[JsonSerializable(typeof(ResendSendResponse))]
[JsonSerializable(typeof(ResendError))]
internal sealed partial class ResendJsonContext : JsonSerializerContext;
