using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Plexura.Core;
using Plexura.Core.Email;
using Plexura.Infrastructure;
using Plexura.Infrastructure.Email;
using Plexura.Infrastructure.Persistence;
using Plexura.Tests.Fakes;
using Plexura.Tests.Support;

namespace Plexura.Tests.Unit.Email;

/// <summary>
/// The stored queue's delivery worker on SQLite, against the fake Resend server, with the clock driven by the test:
/// outages and recovery, permanent refusals, the attempt limit, two workers racing and a worker dying mid-send.
/// </summary>
public sealed class EmailDeliveryWorkerTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly string _folder = TestConfiguration.NewTempFolder();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<string> _logs = new();
    private FakeResendServer _server = null!;
    private ServiceProvider _services = null!;

    private IOutboxRepository Outbox => _services.GetRequiredService<IOutboxRepository>();

    public async Task InitializeAsync()
    {
        _server = await FakeResendServer.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plexura:Storage:Provider"] = "Sqlite",
            ["Plexura:Storage:SqlitePath"] = Path.Combine(_folder, "plexura.db"),
            ["Plexura:Security:MasterKey"] = TestConfiguration.NewMasterKey(),
            ["Plexura:Auth:SigningKey"] = TestConfiguration.NewSigningKey(),
            ["Plexura:Email:ResendApiKey"] = "re_test_123456789",
            ["Plexura:Email:ResendBaseUrl"] = _server.BaseAddress.ToString(),
            ["Plexura:Email:RetryBaseDelay"] = BaseDelay.ToString(),
            ["Plexura:Email:LeaseDuration"] = Lease.ToString(),
            ["Plexura:Email:MaxAttempts"] = "4",
        }).Build();
        _services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(_logs)))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(_time)
            .AddPlexuraCore()
            .AddPlexuraInfrastructure(configuration, _folder)
            .AddNoteEvidenceFakes()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await _services.GetRequiredService<IStorageEngine>().InitializeAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task DeliverDue_ProviderDownThenBack_RetriesWithGrowingBackoffAndDeliversOnceWithOneKey()
    {
        _server.ThenError(500, "internal_server_error", "Oops.").ThenError(503, "service_unavailable", "Down.").ThenAccept("resend-id-7");
        var worker = NewWorker();
        var id = await EnqueueAsync();
        var start = _time.GetUtcNow();

        var firstDue = await worker.DeliverDueAsync(Ct);
        var afterFirst = await GetAsync(id);
        Assert.Equal((OutboxStatus.Pending, 1, "500 internal_server_error"), (afterFirst.Status, afterFirst.Attempts, afterFirst.LastError));
        Assert.InRange(afterFirst.NextAttemptAt!.Value - start, BaseDelay / 2, BaseDelay);
        Assert.Equal(afterFirst.NextAttemptAt, firstDue);

        await worker.DeliverDueAsync(Ct);
        Assert.Single(_server.Requests);

        _time.SetUtcNow(afterFirst.NextAttemptAt.Value);
        await worker.DeliverDueAsync(Ct);
        var afterSecond = await GetAsync(id);
        Assert.Equal((OutboxStatus.Pending, 2), (afterSecond.Status, afterSecond.Attempts));
        Assert.InRange(afterSecond.NextAttemptAt!.Value - _time.GetUtcNow(), BaseDelay, BaseDelay * 2);

        _time.SetUtcNow(afterSecond.NextAttemptAt.Value);
        var none = await worker.DeliverDueAsync(Ct);

        var delivered = await GetAsync(id);
        Assert.Null(none);
        Assert.Equal((OutboxStatus.Sent, 3, _time.GetUtcNow()), (delivered.Status, delivered.Attempts, delivered.FinishedAt));
        Assert.Equal(string.Empty, delivered.Subject + delivered.TextBody + delivered.HtmlBody);
        Assert.Equal(3, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal(delivered.IdempotencyKey, r.IdempotencyKey));
        Assert.Single(_server.Accepted);
    }

    [Fact]
    public async Task DeliverDue_RateLimitedWithRetryAfter_WaitsAtLeastThatLong()
    {
        _server.ThenError(429, "rate_limit_exceeded", "Slow down.", retryAfterSeconds: 120);
        var id = await EnqueueAsync();

        await NewWorker().DeliverDueAsync(Ct);

        var message = await GetAsync(id);
        Assert.Equal(OutboxStatus.Pending, message.Status);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(120), message.NextAttemptAt);
    }

    [Fact]
    public async Task DeliverDue_ValidationError_FailsAtOnceWithoutRetryAndLogsNoRecipientSubjectOrBody()
    {
        _server.ThenError(422, "validation_error", "Invalid `to` field: dana.reyes@example.com").Otherwise = FakeResendServer.Accepting;
        var worker = NewWorker();
        var id = await EnqueueAsync();

        await worker.DeliverDueAsync(Ct);
        _time.Advance(TimeSpan.FromDays(1));
        await worker.DeliverDueAsync(Ct);

        var failed = await GetAsync(id);
        Assert.Equal((OutboxStatus.Failed, 1, "422 validation_error"), (failed.Status, failed.Attempts, failed.LastError));
        Assert.Equal(string.Empty, failed.Subject + failed.TextBody + failed.HtmlBody);
        Assert.Single(_server.Requests);
        var logs = string.Join('\n', _logs);
        Assert.Contains(id.ToString(), logs, StringComparison.Ordinal);
        Assert.Contains("422 validation_error", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("dana.reyes", logs, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Verify your email", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("app.plexura.ai/verify", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliverDue_ProviderNeverBack_GivesUpAfterMaxAttempts()
    {
        var worker = NewWorker();
        var id = await EnqueueAsync();

        for (var i = 0; i < 10; i++)
        {
            await worker.DeliverDueAsync(Ct);
            _time.Advance(TimeSpan.FromHours(1));
        }

        var failed = await GetAsync(id);
        Assert.Equal((OutboxStatus.Failed, 4, "500 internal_server_error"), (failed.Status, failed.Attempts, failed.LastError));
        Assert.Equal(4, _server.Requests.Count);
        Assert.Contains(_logs, l => l.Contains("after 4 attempts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeliverDue_TwoWorkersAtOnce_SendEachMessageExactlyOnce()
    {
        _server.Otherwise = FakeResendServer.Accepting;
        _server.ResponseDelay = TimeSpan.FromMilliseconds(10);
        var ids = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await EnqueueAsync());
        }

        await Task.WhenAll(Task.Run(() => NewWorker().DeliverDueAsync(Ct)), Task.Run(() => NewWorker().DeliverDueAsync(Ct)));

        var keys = new List<string>();
        foreach (var id in ids)
        {
            var message = await GetAsync(id);
            Assert.Equal((OutboxStatus.Sent, 1), (message.Status, message.Attempts));
            keys.Add(message.IdempotencyKey);
        }

        Assert.Equal(keys.Order(), _server.Requests.Select(r => r.IdempotencyKey).Order());
    }

    [Fact]
    public async Task DeliverDue_WorkerDiedMidSend_AnotherTakesOverAfterTheLeaseWithTheSameKey()
    {
        _server.Otherwise = FakeResendServer.Accepting;
        var id = await EnqueueAsync();
        var dead = await Outbox.UpdateAsync((await GetAsync(id)).Claim("worker-that-crashed", _time.GetUtcNow(), Lease), Ct);
        var survivor = NewWorker();

        var due = await survivor.DeliverDueAsync(Ct);
        Assert.Empty(_server.Requests);
        Assert.Equal(dead.LeaseExpiresAt, due);

        _time.Advance(Lease);
        await survivor.DeliverDueAsync(Ct);

        var delivered = await GetAsync(id);
        Assert.Equal((OutboxStatus.Sent, 2), (delivered.Status, delivered.Attempts));
        Assert.Equal(dead.IdempotencyKey, Assert.Single(_server.Requests).IdempotencyKey);
    }

    [Fact]
    public async Task Enqueue_WorkerRunning_WakesItWithoutWaitingForThePoll()
    {
        _server.Otherwise = FakeResendServer.Accepting;
        var worker = NewWorker();
        await worker.StartAsync(Ct);
        try
        {
            var id = await EnqueueAsync();

            await Eventually.HoldsAsync(async () => (await GetAsync(id)).Status == OutboxStatus.Sent, "the queued email is delivered");

            Assert.Single(_server.Accepted);
        }
        finally
        {
            await worker.StopAsync(Ct);
            worker.Dispose();
        }
    }

    private EmailDeliveryWorker NewWorker() => ActivatorUtilities.CreateInstance<EmailDeliveryWorker>(_services);

    private async Task<Guid> EnqueueAsync()
    {
        var key = $"email-verification/{Guid.NewGuid():N}";
        await _services.GetRequiredService<IEmailSender>().EnqueueAsync(
            new EmailMessage("dana.reyes@example.com", "Verify your email", "Open https://app.plexura.ai/verify/abc", "<a href=\"https://app.plexura.ai/verify/abc\">Verify</a>", key, "email-verification"),
            Ct);
        return (await Outbox.ListUnfinishedAsync(Ct)).Single(m => m.IdempotencyKey == key).Id;
    }

    private async Task<OutboxMessage> GetAsync(Guid id) => await Outbox.GetAsync(id, Ct) ?? throw new InvalidOperationException("Gone.");
}
