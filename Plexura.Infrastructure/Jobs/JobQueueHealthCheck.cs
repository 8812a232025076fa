using Microsoft.Extensions.Diagnostics.HealthChecks;
using Plexura.Core.Jobs;

namespace Plexura.Infrastructure.Jobs;

/// <summary>Reports the job queue's depth and the age of its oldest waiting job; unhealthy only when storage fails.</summary>
/// <remarks>A long queue is for operators to see (and alert on), not a reason to take the instance out of rotation.</remarks>
internal sealed class JobQueueHealthCheck(IJobQueue queue) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var stats = await queue.GetStatsAsync(cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["waiting"] = stats.Waiting,
                ["running"] = stats.Running,
                ["scheduled"] = stats.Scheduled,
                ["oldestWaitingSeconds"] = Math.Round(stats.OldestWaitingAge?.TotalSeconds ?? 0, 1),
            };
            return HealthCheckResult.Healthy($"{stats.Waiting} waiting, {stats.Running} running", data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"job queue unreadable ({ex.GetType().Name})");
        }
    }
}
