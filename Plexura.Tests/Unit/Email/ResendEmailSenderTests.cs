using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexura.Core.Email;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Email;
using Plexura.Tests.Fakes;

namespace Plexura.Tests.Unit.Email;

/// <summary>The real Resend client against a local server speaking Resend's wire format: one attempt per call, classified.</summary>
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

    private readonly ConcurrentQueue<string> _logs = new();
    private FakeResendServer _server = null!;
    private ServiceProvider _services = null!;

    private IEmailTransport Sender => _services.GetRequiredService<IEmailTransport>();

    public async Task InitializeAsync()
    {
        _server = await FakeResendServer.StartAsync();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(_logs)))
            .AddSingleton(TimeProvider.System);
        services.AddOptions<EmailOptions>().Configure(o =>
        {
            o.ResendApiKey = ApiKey;
            o.ResendBaseUrl = _server.BaseAddress.ToString();
            o.From = "Plexura <no-reply@plexura.ai>";
        });
        EmailRegistration.AddResend(services);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task DeliverAsync_Accepted_PostsResendWireFormatOnce()
    {
        _server.ThenAccept();

        await Sender.DeliverAsync(Invitation, CancellationToken.None);

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
    }

    [Fact]
    public async Task DeliverAsync_RateLimitedWithRetryAfter_ThrowsTransientWithTheDelayAndDoesNotRetryItself()
    {
        _server.ThenError(429, "rate_limit_exceeded", "Too many requests.", retryAfterSeconds: 2).ThenAccept();

        var ex = await Assert.ThrowsAsync<EmailDeliveryException>(() => Sender.DeliverAsync(Invitation, CancellationToken.None));

        Assert.Single(_server.Requests);
        Assert.False(ex.IsPermanent);
        Assert.Equal(TimeSpan.FromSeconds(2), ex.RetryAfter);
        Assert.Equal("429 rate_limit_exceeded", ex.Code);
    }

    [Theory]
    [InlineData(500, "internal_server_error")]
    [InlineData(503, "service_unavailable")]
    [InlineData(401, "missing_api_key")]
    [InlineData(403, "invalid_api_key")]
    [InlineData(409, "concurrent_idempotent_requests")]
    public async Task DeliverAsync_TransientRefusal_ThrowsOnceAsTransient(int status, string name)
    {
        _server.ThenError(status, name, "Refused.").ThenAccept();

        var ex = await Assert.ThrowsAsync<EmailDeliveryException>(() => Sender.DeliverAsync(Invitation, CancellationToken.None));

        Assert.Single(_server.Requests);
        Assert.Equal((status, name, false), (ex.StatusCode, ex.ErrorName, ex.IsPermanent));
        AssertSafe(ex);
    }

    [Theory]
    [InlineData(400, "validation_error")]
    [InlineData(422, "validation_error")]
    [InlineData(409, "invalid_idempotent_request")]
    public async Task DeliverAsync_PermanentRefusal_ThrowsOnceAsPermanent(int status, string name)
    {
        _server.ThenError(status, name, "Invalid `to` field: dana.reyes@example.com").ThenAccept();

        var ex = await Assert.ThrowsAsync<EmailDeliveryException>(() => Sender.DeliverAsync(Invitation, CancellationToken.None));

        Assert.Single(_server.Requests);
        Assert.Equal((status, name, true), (ex.StatusCode, ex.ErrorName, ex.IsPermanent));
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        AssertSafe(ex);
    }

    [Fact]
    public async Task DeliverAsync_ServerNotReachable_ThrowsTransientWithoutStatus()
    {
        var address = _server.BaseAddress;
        await _server.DisposeAsync();
        _server = await FakeResendServer.StartAsync();
        await using var unreachable = BuildSender(address);

        var ex = await Assert.ThrowsAsync<EmailDeliveryException>(() =>
            unreachable.GetRequiredService<IEmailTransport>().DeliverAsync(Invitation, CancellationToken.None));

        Assert.Null(ex.StatusCode);
        Assert.False(ex.IsPermanent);
        Assert.Equal("unreachable", ex.Code);
        AssertSafe(ex);
    }

    [Fact]
    public async Task DeliverAsync_AcceptedAndRefused_LogsKindAndIdButNoAddressSubjectBodyOrKey()
    {
        _server.ThenError(500, "internal_server_error", "Oops.").ThenAccept("resend-id-42").ThenError(422, "validation_error", "Invalid `to` field: dana.reyes@example.com");

        await Assert.ThrowsAsync<EmailDeliveryException>(() => Sender.DeliverAsync(Invitation, CancellationToken.None));
        await Sender.DeliverAsync(Invitation, CancellationToken.None);
        await Assert.ThrowsAsync<EmailDeliveryException>(() => Sender.DeliverAsync(Invitation, CancellationToken.None));

        var logs = string.Join('\n', _logs);
        Assert.Contains("invitation", logs, StringComparison.Ordinal);
        Assert.Contains("resend-id-42", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Invitation.To, logs, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Invitation.Subject, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("plexura.ai/invite", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, logs, StringComparison.Ordinal);
    }

    private static ServiceProvider BuildSender(Uri baseAddress)
    {
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(TimeProvider.System);
        services.AddOptions<EmailOptions>().Configure(o =>
        {
            o.ResendApiKey = ApiKey;
            o.ResendBaseUrl = baseAddress.ToString();
        });
        EmailRegistration.AddResend(services);
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
