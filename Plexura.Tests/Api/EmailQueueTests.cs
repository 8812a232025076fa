using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Email;
using Plexura.Tests.Fakes;
using Plexura.Tests.Support;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary>The whole app with a Resend key pointing at the fake Resend server: timing, outage and restart.</summary>
public sealed class EmailQueueTests : IAsyncLifetime
{
    private readonly string _folder = TestConfiguration.NewTempFolder();
    private FakeResendServer _resend = null!;

    public async Task InitializeAsync() => _resend = await FakeResendServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _resend.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ForgotPassword_SlowMailProvider_KnownAndUnknownEmailsAnswerInTheSameTime()
    {
        _resend.Otherwise = FakeResendServer.Accepting;
        _resend.ResponseDelay = TimeSpan.FromMilliseconds(300);
        await using var app = NewApp();
        var (known, _) = await IdentityArrange.SignUpAsync(app.Services);
        await RequestResetAsync(app, known);
        await RequestResetAsync(app, IdentityArrange.NewEmail());

        var knownTimes = new List<double>();
        var unknownTimes = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            knownTimes.Add(await RequestResetAsync(app, known));
            unknownTimes.Add(await RequestResetAsync(app, IdentityArrange.NewEmail()));
        }

        // Before the queue the known address waited for the provider (~300 ms more). Now neither path calls it.
        var gap = Math.Abs(Median(knownTimes) - Median(unknownTimes));
        Assert.True(gap < 150, $"Median known {Median(knownTimes):F0} ms vs unknown {Median(unknownTimes):F0} ms.");

        // The emails still go out, in the background: the sign-up's verification and the eight resets.
        await Eventually.HoldsAsync(() => _resend.Accepted.Count == 9, "every queued email reached the provider");
    }

    [Fact]
    public async Task Restart_MailQueuedWhileTheProviderIsDown_IsDeliveredByTheNextInstanceWithTheSameKey()
    {
        string key;
        await using (var first = NewApp())
        {
            var (email, _) = await IdentityArrange.SignUpAsync(first.Services);
            await Eventually.HoldsAsync(() => _resend.Requests.Count >= 1, "the first attempt reached the provider (which answers 500)");
            var queued = (await first.Services.GetRequiredService<IOutboxRepository>().ListNewestAsync(10, CancellationToken.None)).Single(m => m.To == email);
            key = queued.IdempotencyKey;
            await Eventually.HoldsAsync(
                async () => (await first.Services.GetRequiredService<IOutboxRepository>().GetAsync(queued.Id, CancellationToken.None))!.Status == OutboxStatus.Pending,
                "the failed attempt is rescheduled");
        }

        _resend.Otherwise = FakeResendServer.Accepting;
        await using var second = NewApp();
        using var client = second.CreateClient();

        await Eventually.HoldsAsync(() => _resend.Accepted.Count == 1, "the restarted app delivers the queued email");
        Assert.Equal(key, _resend.Accepted[0].IdempotencyKey);
        Assert.All(_resend.Requests, r => Assert.Equal(key, r.IdempotencyKey));
    }

    private PlexuraWebFactory NewApp()
    {
        var app = new PlexuraWebFactory();
        app.Settings["Plexura:Storage:SqlitePath"] = Path.Combine(_folder, "plexura.db");
        app.Settings["Plexura:Auth:BcryptWorkFactor"] = "10";
        app.Settings["Plexura:RateLimits:PasswordResetPer15Minutes"] = "1000";
        app.Settings["Plexura:Email:ResendApiKey"] = "re_test_123456789";
        app.Settings["Plexura:Email:ResendBaseUrl"] = _resend.BaseAddress.ToString();
        app.Settings["Plexura:Email:RetryBaseDelay"] = "00:00:00.200";
        app.Settings["Plexura:Email:PollInterval"] = "00:00:00.200";
        return app;
    }

    /// <summary>Loads and posts the forgot-password form as a browser does; returns the duration in milliseconds.</summary>
    private static async Task<double> RequestResetAsync(PlexuraWebFactory app, string email)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var watch = Stopwatch.StartNew();
        var response = await BrowserForm.SubmitAsync(client, "/account/forgot-password", new Dictionary<string, string> { ["Input.Email"] = email });
        watch.Stop();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
