using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Plexura.Infrastructure.Persistence;

/// <summary>Prepares the database before the app takes requests; start-up fails if it cannot.</summary>
internal sealed class StorageStartup(IStorageEngine engine, ILogger<StorageStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await engine.InitializeAsync(cancellationToken);
        logger.LogInformation("Storage ready ({Engine})", engine.Name);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Readiness: the database answers (the main one as "storage", the key vault's as "keyvault").</summary>
internal sealed class StorageHealthCheck(IStorageEngine engine) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await engine.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{engine.Name} reachable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception type only: connection errors can carry connection strings.
            return HealthCheckResult.Unhealthy($"{engine.Name} unreachable ({ex.GetType().Name})");
        }
    }
}
