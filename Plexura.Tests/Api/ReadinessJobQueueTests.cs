using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Jobs;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary><c>/health/ready</c> reports the job queue: its depth and how long its oldest due job has waited.</summary>
public sealed class ReadinessJobQueueTests
{
    [Fact]
    public async Task HealthReady_JobsWaiting_ReportsDepthAndOldestAgeAndStaysHealthy()
    {
        await using var factory = new PlexuraWebFactory();
        var client = factory.CreateClient();
        var queue = factory.Services.GetRequiredService<IJobQueue>();

        // No instance has a handler for this kind, so the jobs wait (as during a rolling deploy).
        await queue.EnqueueAsync(new JobRequest("not-handled-here", null, "{}", "not-handled-here/1", DateTimeOffset.UtcNow.AddMinutes(-2)), CancellationToken.None);
        await queue.EnqueueAsync(new JobRequest("not-handled-here", null, "{}", "not-handled-here/2"), CancellationToken.None);

        var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var jobs = body.RootElement.GetProperty("checks").GetProperty("jobs");
        Assert.Equal("Healthy", jobs.GetProperty("status").GetString());
        Assert.Equal(2, jobs.GetProperty("data").GetProperty("waiting").GetInt32());
        Assert.InRange(jobs.GetProperty("data").GetProperty("oldestWaitingSeconds").GetDouble(), 119, 3600);
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
    }
}
