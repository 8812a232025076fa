using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexura.Core.Email;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Email;
using Plexura.Tests.Fakes;

namespace Plexura.Tests.Unit.Email;

/// <summary>The real Resend client against a local server speaking Resend's wire format.</summary>
public sealed class ResendEmailSenderTests : IAsyncLifetime
{
    private const string ApiKey = "re_test_123456789";

    private static readonly EmailMessage Invitation = new(
        "dana.reyes@example.com",
        "You're invited to Riverbend Counseling on Plexura",
        "Accept: https://app.plexura.ai/invite/abc",
        "<p><a href=\"https://app.plexura.ai/invite/abc\">Accept</a></p>",
        "invitation/0193a1b2-0000-7000-8000-000000000001",
        "invitation");

    private readonly InstantDelayTimeProvider _time = new(ResendResilience.MaxDelay);
    private readonly ConcurrentQueue<string> _logs = new();
    private FakeResendServer _server = null!;
    private ServiceProvider _services = null!;

    private IEmailSender Sender => _services.GetRequiredService<IEmailSender>();

    public async Task InitializeAsync()
    {
        _server = await FakeResendServer.StartAsync();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(_logs)))
            .AddSingleton<TimeProvider>(_time);
        services.AddOptions<EmailOptions>().Configure(o =>
        {
            o.ResendApiKey = ApiKey;
            o.ResendBaseUrl = _server.BaseAddress.ToString();
            o.From = "Plexura <no-reply@plexura.ai>";
        });
        EmailRegistration.Add(services, new EmailOptions { ResendApiKey = ApiKey });
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task SendAsync_Accepted_PostsResendWireFormatOnce()
    {
        _server.ThenAccept();

        await Sender.SendAsync(Invitation, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/emails", request.Path);
        Assert.Equal($"Bearer {ApiKey}", request.Authorization);
        Assert.Equal(Invitation.IdempotencyKey, request.IdempotencyKey);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal(["from", "to", "subject", "html", "text"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Plexura <no-reply@plexura.ai>", root.GetProperty("from").GetString());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("to").ValueKind);
        Assert.Equal([Invitation.To], root.GetProperty("to").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Invitation.Subject, root.GetProperty("subject").GetString());
        Assert.Equal(Invitation.HtmlBody, root.GetProperty("html").GetString());
        Assert.Equal(Invitation.TextBody, root.GetProperty("text").GetString());
        Assert.Empty(_time.Delays);
    }

    [Fact]
    public async Task SendAsync_RateLimitedWithRetryAfter_WaitsThatLongAndRetriesOnce()
    {
        _server.ThenError(429, "rate_limit_exceeded", "Too many requests.", retryAfterSeconds: 2).ThenAccept();

        await Sender.SendAsync(Invitation, CancellationToken.None);

        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(2)], _time.Delays);
    }

    [Fact]
    public async Task SendAsync_RetryAfterLongerThanTheCap_WaitsOnlyTheCap()
    {
        _server.ThenError(429, "rate_limit_exceeded", "Too many requests.", retryAfterSeconds: 3600).ThenAccept();

        await Sender.SendAsync(Invitation, CancellationToken.None);

        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal([ResendResilience.MaxDelay], _time.Delays);
    }

    [Fact]
    public async Task SendAsync_RateLimitedWithoutRetryAfter_BacksOffAndRetries()
    {
        _server.ThenError(429, "rate_limit_exceeded", "Too many requests.").ThenAccept();

        await Sender.SendAsync(Invitation, CancellationToken.None);

        Assert.Equal(2, _server.Requests.Count);
        var delay = Assert.Single(_time.Delays);
        Assert.InRange(delay, TimeSpan.FromTicks(1), ResendResilience.MaxDelay);
    }

    [Theory]
    [InlineData(400, "validation_error")]
    [InlineData(401, "missing_api_key")]
    [InlineData(403, "invalid_api_key")]
    [InlineData(409, "invalid_idempotent_request")]
    public async Task SendAsync_OtherClientError_IsNotRetried(int status, string name)
    {
        _server.ThenError(status, name, "Refused.").ThenAccept();

        var ex = await Assert.ThrowsAsync<EmailDeliveryException>(() => Sender.SendAsync(Invitation, CancellationToken.None));

        Assert.Single(_server.Requests);
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(name, ex.ErrorName);
    }

    [Fact]
    public async Task SendAsync_TwoServerErrorsThenAccepted_SucceedsOnTheThirdAttemptWithTheSameKey()
    {
        _server.ThenError(500, "internal_server_error", "Oops.").ThenError(500, "internal_server_error", "Oops.").ThenAccept();

        await Sender.SendAsync(Invitation, CancellationToken.None);

        Assert.Equal(3, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal(Invitation.IdempotencyKey, r.IdempotencyKey));
        Assert.Single(_server.Requests.Select(r => r.Body).Distinct());
        Assert.Equal(2, _time.Delays.Count);
        Assert.All(_time.Delays, d => Assert.InRange(d, TimeSpan.Zero, ResendResilience.MaxDelay));
    }

    [Fact]
    public async Task SendAsync_PersistentlyUnavailable_ThrowsDeliveryExceptionAfterFourAttempts()
    {
        for (var i = 0; i < 6; i++)
        {
            _server.ThenError(503, "service_unavailable", "Down for maintenance.");
        }

        var ex = await Assert.ThrowsAsync<EmailDeliveryException>(() => Sender.SendAsync(Invitation, CancellationToken.None));

        Assert.Equal(ResendResilience.MaxAttempts, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal(Invitation.IdempotencyKey, r.IdempotencyKey));
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal("service_unavailable", ex.ErrorName);
        Assert.Equal(ResendResilience.MaxAttempts - 1, _time.Delays.Count);
        AssertSafe(ex);
    }

    [Fact]
    public async Task SendAsync_ValidationError_ThrowsAtOnceNamingTheError()
    {
        _server.ThenError(422, "validation_error", "Invalid `to` field: dana.reyes@example.com").ThenAccept();

        var ex = await Assert.ThrowsAsync<EmailDeliveryException>(() => Sender.SendAsync(Invitation, CancellationToken.None));

        Assert.Single(_server.Requests);
        Assert.Empty(_time.Delays);
        Assert.Equal(422, ex.StatusCode);
        Assert.Equal("validation_error", ex.ErrorName);
        Assert.Contains("validation_error", ex.Message, StringComparison.Ordinal);
        AssertSafe(ex);
    }

    [Fact]
    public async Task SendAsync_ServerNotReachable_ThrowsDeliveryExceptionAfterRetries()
    {
        var address = _server.BaseAddress;
        await _server.DisposeAsync();
        _server = await FakeResendServer.StartAsync();
        await using var unreachable = BuildSender(address);

        var ex = await Assert.ThrowsAsync<EmailDeliveryException>(() =>
            unreachable.GetRequiredService<IEmailSender>().SendAsync(Invitation, CancellationToken.None));

        Assert.Null(ex.StatusCode);
        Assert.Equal(ResendResilience.MaxAttempts - 1, _time.Delays.Count);
        AssertSafe(ex);
    }

    [Fact]
    public async Task SendAsync_AcceptedAndRefused_LogsKindAndIdButNoAddressSubjectBodyOrKey()
    {
        _server.ThenError(500, "internal_server_error", "Oops.").ThenAccept("resend-id-42").ThenError(422, "validation_error", "Invalid `to` field: dana.reyes@example.com");

        await Sender.SendAsync(Invitation, CancellationToken.None);
        await Assert.ThrowsAsync<EmailDeliveryException>(() => Sender.SendAsync(Invitation, CancellationToken.None));

        var logs = string.Join('\n', _logs);
        Assert.Contains("invitation", logs, StringComparison.Ordinal);
        Assert.Contains("resend-id-42", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Invitation.To, logs, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Invitation.Subject, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("plexura.ai/invite", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, logs, StringComparison.Ordinal);
    }

    private ServiceProvider BuildSender(Uri baseAddress)
    {
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(_time);
        services.AddOptions<EmailOptions>().Configure(o =>
        {
            o.ResendApiKey = ApiKey;
            o.ResendBaseUrl = baseAddress.ToString();
        });
        EmailRegistration.Add(services, new EmailOptions { ResendApiKey = ApiKey });
        return services.BuildServiceProvider();
    }

    private static void AssertSafe(EmailDeliveryException ex)
    {
        Assert.DoesNotContain(Invitation.To, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Invitation.Subject, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("plexura.ai/invite", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, ex.Message, StringComparison.Ordinal);
    }
}
