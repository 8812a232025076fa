using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plexura.Core;
using Plexura.Core.Jobs;
using Plexura.Infrastructure;
using Plexura.Infrastructure.Jobs;
using Plexura.Infrastructure.Persistence;
using Plexura.Tests.Fakes;
using Plexura.Tests.Support;

namespace Plexura.Tests.Unit.Jobs;

/// <summary>What the test handler does on each run; records every run.</summary>
public sealed class JobScript
{
    /// <summary>Every run, in order, as (job id, attempt).</summary>
    public ConcurrentQueue<JobContext> Runs { get; } = new();

    /// <summary>The behaviour of a run (default: done).</summary>
    public Func<JobContext, CancellationToken, Task<JobOutcome>> Behaviour { get; set; } = (_, _) => Task.FromResult(JobOutcome.Done);

    public async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        Runs.Enqueue(context);
        return await Behaviour(context, ct);
    }
}

/// <summary>The test job kind: runs whatever its host's <see cref="JobScript"/> says.</summary>
public sealed class ScriptedJobHandler(JobScript script) : IJobHandler
{
    public const string JobKind = "test-job";

    public string Kind => JobKind;

    public Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct) => script.RunAsync(context, ct);
}

/// <summary>A recurring test job kind.</summary>
public sealed class RecurringTestJobHandler(JobScript script) : IJobHandler
{
    public const string JobKind = "test-recurring";

    public string Kind => JobKind;

    public Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct) => script.RunAsync(context, ct);
}

/// <summary>One app instance's services (storage on a given SQLite file, the job queue and one runner), without a web host.</summary>
public sealed class JobTestHost : IAsyncDisposable
{
    private bool _started;

    private JobTestHost(ServiceProvider services, ConcurrentQueue<string> logs)
    {
        Services = services;
        Logs = logs;
        Runner = services.GetServices<IHostedService>().OfType<JobRunner>().Single();
    }

    public ServiceProvider Services { get; }

    internal JobRunner Runner { get; }

    public JobScript Script => Services.GetRequiredService<JobScript>();

    public IJobQueue Queue => Services.GetRequiredService<IJobQueue>();

    public IJobStore Store => Services.GetRequiredService<IJobStore>();

    /// <summary>Every log line of this instance.</summary>
    public ConcurrentQueue<string> Logs { get; }

    /// <summary>Builds an instance over <paramref name="folder"/>'s database with job settings (keys under <c>Plexura:Jobs</c>).</summary>
    public static async Task<JobTestHost> CreateAsync(
        string folder,
        IReadOnlyDictionary<string, string> jobSettings,
        TimeProvider? time = null,
        Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Plexura:Storage:Provider"] = "Sqlite",
            ["Plexura:Storage:SqlitePath"] = Path.Combine(folder, "plexura.db"),
            ["Plexura:Security:MasterKey"] = TestConfiguration.NewMasterKey(),
            ["Plexura:Auth:SigningKey"] = TestConfiguration.NewSigningKey(),
        };
        foreach (var (key, value) in jobSettings)
        {
            settings["Plexura:Jobs:" + key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new ConcurrentQueue<string>();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new CapturingLoggerProvider(logs)))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(time ?? TimeProvider.System)
            .AddPlexuraCore()
            .AddPlexuraInfrastructure(configuration, folder)
            .AddNoteEvidenceFakes()
            .AddSingleton<JobScript>()
            .AddJobHandler<ScriptedJobHandler>();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.GetRequiredService<IStorageEngine>().InitializeAsync(CancellationToken.None);
        return new JobTestHost(provider, logs);
    }

    public async Task StartAsync()
    {
        _started = true;
        await Runner.StartAsync(CancellationToken.None);
    }

    /// <summary>Stops the runner as a crashing instance would: its token is cancelled and nothing is awaited.</summary>
    public Task KillAsync() => Runner.StopAsync(new CancellationToken(canceled: true));

    public async Task<Job> EnqueueAsync(string dedupeKey, string payload = "{}", DateTimeOffset? notBefore = null, Core.Common.PracticeId? practiceId = null)
    {
        await Queue.EnqueueAsync(new JobRequest(ScriptedJobHandler.JobKind, practiceId, payload, dedupeKey, notBefore), CancellationToken.None);
        return (await Store.FindByDedupeKeyAsync(dedupeKey, CancellationToken.None))!;
    }

    public async Task<Job> GetAsync(JobId id) => (await Store.GetAsync(id, CancellationToken.None))!;

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Runner.StopAsync(bounded.Token);
        }

        await Services.DisposeAsync();
    }
}
