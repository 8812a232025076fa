using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using Plexura.Core.Auditing;
using Plexura.Infrastructure.Auditing;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Mongo;

/// <summary>Registers the MongoDB engine.</summary>
internal static class MongoRegistration
{
    /// <summary>The application name the server logs for this app's connections.</summary>
    public const string ApplicationName = "plexura";

    public static void Add(IServiceCollection services)
    {
        services.AddSingleton<IMongoClient>(sp => new MongoClient(
            CreateSettings(sp.GetRequiredService<IOptions<StorageOptions>>().Value.MongoConnectionString)));
        services.AddSingleton(sp => sp.GetRequiredService<IMongoClient>()
            .GetDatabase(sp.GetRequiredService<IOptions<StorageOptions>>().Value.MongoDatabase));
        services.AddSingleton(sp => new MongoSchema(sp.GetRequiredService<IMongoDatabase>(), sp.GetRequiredService<ILogger<MongoSchema>>()));
        services.AddKeyedSingleton<IStorageEngine, MongoEngine>(DependencyInjection.MainEngineKey);
        services.AddSingleton<IFreeSpaceScrubber, NoFreeSpaceScrubber>();
        services.AddSingleton(CreateKeyVault);
        services.AddSingleton<IDocumentStore, MongoDocumentStore>();
        services.AddSingleton<IAuditStore, MongoAuditStore>();
        services.AddSingleton<MongoAuditStatistics>();
        services.AddSingleton<Core.Compliance.IAuditStatistics>(sp => new CachedAuditStatistics(
            sp.GetRequiredService<MongoAuditStatistics>(), sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>
    /// The key vault: a database of its own (<c>MongoKeyVaultDatabase</c>), on the main client or, with
    /// <c>MongoKeyVaultConnectionString</c>, on a client of its own (a cluster with its own backup policy).
    /// </summary>
    private static KeyVault CreateKeyVault(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
        var ownClient = options.MongoKeyVaultConnectionString is null
            ? null
            : new MongoClient(CreateSettings(options.MongoKeyVaultConnectionString, nameof(StorageOptions.MongoKeyVaultConnectionString)));
        var database = (ownClient ?? sp.GetRequiredService<IMongoClient>()).GetDatabase(options.ResolvedMongoKeyVaultDatabase);
        var schema = new MongoSchema(database, sp.GetRequiredService<ILogger<MongoSchema>>(), MongoIndexes.KeyVault());
        var store = new MongoDocumentStore(database, schema);
        var engine = new MongoEngine(database, schema, "mongo key vault");
        return ownClient is null ? new KeyVault(store, engine, schema) : new KeyVault(store, engine, schema, ownClient);
    }

    /// <summary>Client settings from the connection string, which never reaches a log or an exception message.</summary>
    internal static MongoClientSettings CreateSettings(string? connectionString, string setting = nameof(StorageOptions.MongoConnectionString))
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"{StorageOptions.Section}:{setting} is required when the provider is Mongo.");
        }

        MongoClientSettings settings;
        try
        {
            settings = MongoClientSettings.FromConnectionString(connectionString);
        }
        catch (Exception ex) when (ex is MongoConfigurationException or ArgumentException or FormatException)
        {
            // Not chained: the driver's message can quote the connection string, password included.
            throw new InvalidOperationException(
                $"{StorageOptions.Section}:{setting} is not a valid MongoDB connection string ({ex.GetType().Name}).");
        }

        settings.ApplicationName = ApplicationName;
        return settings;
    }
}
