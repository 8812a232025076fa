using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Bench;
using Plexura.Core;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Infrastructure;
using Plexura.Infrastructure.Persistence;

// Throughput of the real audit log on a real SQLite file: the services are built exactly as the app builds them.
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

var folder = Directory.CreateTempSubdirectory("plexura-bench-");
var databasePath = Path.Combine(folder.FullName, "bench.db");
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

    await using (var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }))
    {
        await provider.GetRequiredService<IStorageEngine>().InitializeAsync(CancellationToken.None);
        if (options.Scenario == "client-search")
        {
            Console.WriteLine($"Plexura client-search benchmark  |  {Environment.ProcessorCount} cores  |  .NET {Environment.Version}  |  " +
                              $"{(IsReleaseBuild() ? "Release" : "DEBUG (numbers not meaningful)")}");
            Console.WriteLine($"Database: {databasePath} (WAL, synchronous=NORMAL); page size 25, every returned client decrypted");
            var search = new ClientSearchBenchmarks(
                provider.GetRequiredService<IClientRepository>(),
                provider.GetRequiredService<ClientProtector>(),
                provider.GetRequiredService<IClientSearchIndexer>(),
                provider.GetRequiredService<IPracticeRepository>(),
                provider.GetRequiredService<IPracticeKeyService>(),
                options);
            await search.RunAsync(CancellationToken.None);
            return 0;
        }

        var runner = new AuditBenchmarks(
            provider.GetRequiredService<IAuditLog>(),
            provider.GetRequiredService<AuditChainVerifier>(),
            options);

        Console.WriteLine($"Plexura audit-log benchmark  |  {Environment.ProcessorCount} cores  |  .NET {Environment.Version}  |  " +
                          $"{(IsReleaseBuild() ? "Release" : "DEBUG (numbers not meaningful)")}");
        Console.WriteLine($"Database: {databasePath} (WAL, synchronous=NORMAL)");
        Console.WriteLine($"Options: events={options.Events:N0} writers={options.Writers} verify-events={options.VerifyEvents:N0} warmup={options.Warmup:N0}");
        Console.WriteLine();

        var results = await runner.RunAllAsync();

        Console.WriteLine();
        Console.WriteLine($"Summary ({Environment.ProcessorCount} cores, database {new FileInfo(databasePath).Length / 1024.0 / 1024.0:N1} MiB + WAL)");
        ResultTable.Print(results);
    }

    return 0;
}
finally
{
    // Pooled connections keep the file open; release them before deleting the temp folder.
    SqliteConnection.ClearAllPools();
    folder.Delete(recursive: true);
}

static bool IsReleaseBuild()
{
#if DEBUG
    return false;
#else
    return true;
#endif
}
