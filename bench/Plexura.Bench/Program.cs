using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Infrastructure;
using Plexura.Infrastructure.Persistence;

namespace Plexura.Bench;

/// <summary>
/// Scenarios (see BenchOptions.Usage): the audit log on a real SQLite file, built exactly as the app builds it (default);
/// the real bcrypt hasher; and the real app on Kestrel under a bounded burst of wrong-password sign-ins.
/// </summary>
/// <remarks>Not top-level statements: Plexura.Web's <c>Program</c> must keep its name for <c>WebApplicationFactory</c>.</remarks>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        Console.WriteLine($"Plexura benchmarks  |  {Environment.ProcessorCount} cores  |  .NET {Environment.Version}  |  " +
                          $"{(IsReleaseBuild() ? "Release" : "DEBUG (numbers not meaningful)")}");
        Console.WriteLine();

        if (options.Runs(Scenario.Audit))
        {
            await RunAuditAsync(options);
        }

        if (options.Runs(Scenario.ClientSearch))
        {
            await RunClientSearchAsync(options);
        }

        if (options.Runs(Scenario.AuditQuery))
        {
            await WithSqliteAsync(async (provider, databasePath) =>
            {
                Console.WriteLine("== audit-query: first page of the audit log viewer per single filter (SQLite) ==");
                await new AuditQueryBenchmarks(provider.GetRequiredService<IAuditStore>(), databasePath, options).RunAsync();
                Console.WriteLine();
            });
        }

        if (options.Runs(Scenario.Bcrypt))
        {
            Console.WriteLine("== bcrypt: the real BcryptPasswordHasher ==");
            var (factors, throughput) = await new BcryptBenchmarks(options).RunAllAsync();
            Console.WriteLine();
            Console.WriteLine($"Summary: bcrypt ({Environment.ProcessorCount} cores)");
            ResultTable.Print(factors, throughput);
            Console.WriteLine();
        }

        if (options.Runs(Scenario.SignInBurst))
        {
            Console.WriteLine("== signin-burst: signed-in latency during a bounded loopback burst of wrong passwords ==");
            Console.WriteLine($"Options: duration={options.Duration} s attackers={string.Join(',', options.Attackers)} think={options.Think} ms " +
                              $"sign-in-per-minute={options.SignInPerMinute}");
            var (signedIn, attacks) = await new SignInBurstBenchmarks(options).RunAllAsync();
            Console.WriteLine();
            Console.WriteLine($"Summary: signin-burst ({Environment.ProcessorCount} cores, {options.Duration} s per phase)");
            ResultTable.Print(signedIn, attacks);
            Console.WriteLine();
        }

        if (options.Runs(Scenario.Circuits))
        {
            Console.WriteLine($"== circuits: memory per idle Blazor circuit on /clients ({options.Circuits} headless Chromium tabs) ==");
            await new CircuitMemoryBenchmarks(options).RunAsync();
            Console.WriteLine();
        }

        if (options.Runs(Scenario.Recorders))
        {
            Console.WriteLine("== recorders: concurrent recorders uploading 5 s chunks to the real endpoint over loopback ==");
            var recorders = new RecorderLoadBenchmarks(options);
            await recorders.RunIngestionAsync();
            Console.WriteLine();
            Console.WriteLine($"== recorders: POST stop -> transcribed for a {options.SessionMinutes}-minute session (instant OpenAI-compatible server) ==");
            await recorders.RunStopToTranscriptAsync();
            Console.WriteLine();
        }

        if (options.Runs(Scenario.RiskScan))
        {
            Console.WriteLine("== risk-scan: the risk phrase scan and the evidence checks of a note on a 90-minute transcript ==");
            new RiskScanBenchmarks(options).Run();
            Console.WriteLine();
        }

        if (options.Runs(Scenario.Drafting))
        {
            Console.WriteLine("== drafting: transcript complete -> drafting request -> first words -> stored draft (paced streaming chat server) ==");
            await new DraftingBenchmarks(options).RunAsync();
            Console.WriteLine();
        }

        if (options.Runs(Scenario.AuditVerify))
        {
            await WithSqliteAsync(async (provider, databasePath) =>
            {
                Console.WriteLine($"== audit-verify: chain verification rate, one chain of {options.VerifyEvents:N0} events on SQLite ==");
                var result = await new AuditVerifyBenchmarks(provider.GetRequiredService<AuditChainVerifier>(), provider.GetRequiredService<IAuditStore>(), databasePath, options).RunAsync();
                ResultTable.Print([result]);
                Console.WriteLine();
            }, options.AuditDatabase);
        }

        if (options.Runs(Scenario.AuditExport))
        {
            await WithSqliteAsync(async (provider, databasePath) =>
            {
                Console.WriteLine($"== audit-export: the whole chain of one practice as CSV and JSONL ({options.ExportEvents:N0} events, SQLite) ==");
                await new AuditExportBenchmarks(provider.GetRequiredService<IAuditStore>(), databasePath, options.ExportEvents).RunAsync();
                Console.WriteLine();
            }, options.AuditDatabase);
        }

        if (options.Runs(Scenario.Dashboard))
        {
            await WithSqliteAsync(async (provider, databasePath) =>
            {
                Console.WriteLine($"== dashboard: the compliance dashboard's statistics, {options.QueryEvents:N0} events in 30 days (SQLite) ==");
                await new DashboardBenchmarks(provider, databasePath, options).RunAsync();
                Console.WriteLine();
            });
        }

        if (options.Runs(Scenario.StripeWebhooks))
        {
            Console.WriteLine("== stripe-webhooks: 1,000 signed deliveries (30% duplicates) from two senders to two instances on one database ==");
            await StripeWebhookBenchmarks.RunAsync();
            Console.WriteLine();
        }

        return 0;
    }

    private static Task RunAuditAsync(BenchOptions options) => WithSqliteAsync(async (provider, databasePath) =>
    {
        var runner = new AuditBenchmarks(
            provider.GetRequiredService<IAuditLog>(),
            provider.GetRequiredService<AuditChainVerifier>(),
            options);

        Console.WriteLine("== audit: the audit log ==");
        Console.WriteLine($"Database: {databasePath} (WAL, synchronous=NORMAL)");
        Console.WriteLine($"Options: events={options.Events:N0} writers={options.Writers} verify-events={options.VerifyEvents:N0} warmup={options.Warmup:N0}");
        Console.WriteLine();

        var results = await runner.RunAllAsync();

        Console.WriteLine();
        Console.WriteLine($"Summary ({Environment.ProcessorCount} cores, database {new FileInfo(databasePath).Length / 1024.0 / 1024.0:N1} MiB + WAL)");
        ResultTable.Print(results);
        Console.WriteLine();
    });

    private static Task RunClientSearchAsync(BenchOptions options) => WithSqliteAsync(async (provider, databasePath) =>
    {
        Console.WriteLine("== client-search: name search over encrypted clients ==");
        Console.WriteLine($"Database: {databasePath} (WAL, synchronous=NORMAL); page size 25, every returned client decrypted");
        var search = new ClientSearchBenchmarks(
            provider.GetRequiredService<IClientRepository>(),
            provider.GetRequiredService<ClientProtector>(),
            provider.GetRequiredService<IClientSearchIndexer>(),
            provider.GetRequiredService<IPracticeRepository>(),
            provider.GetRequiredService<IPracticeKeyService>(),
            options);
        var seeded = await search.RunAsync(CancellationToken.None);
        await new ClientUseCaseBenchmarks(provider, seeded).RunAsync(CancellationToken.None);
        Console.WriteLine();
    });

    /// <summary>
    /// Runs <paramref name="run"/> on the app's real services over a fresh SQLite file, deleted afterwards, or over
    /// <paramref name="keptDatabase"/> when given (created when missing, kept afterwards).
    /// </summary>
    private static async Task WithSqliteAsync(Func<ServiceProvider, string, Task> run, string? keptDatabase = null)
    {
        var folder = Directory.CreateTempSubdirectory("plexura-bench-");
        var databasePath = keptDatabase ?? Path.Combine(folder.FullName, "bench.db");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Plexura:Storage:Provider"] = "Sqlite",
                    ["Plexura:Storage:SqlitePath"] = databasePath,
                    ["Plexura:Security:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                })
                .Build();

            var services = new ServiceCollection()
                .AddLogging()
                .AddPlexuraCore()
                .AddPlexuraInfrastructure(configuration, folder.FullName);

            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
            await provider.GetRequiredService<IStorageEngine>().InitializeAsync(CancellationToken.None);
            await run(provider, databasePath);
        }
        finally
        {
            // Pooled connections keep the file open; release them before deleting the temp folder.
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static bool IsReleaseBuild()
    {
#if DEBUG
        return false;
#else
        return true;
#endif
    }
}
