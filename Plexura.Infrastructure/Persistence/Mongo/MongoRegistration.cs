using Microsoft.Extensions.DependencyInjection;
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
        services.AddSingleton<MongoSchema>();
        services.AddSingleton<IStorageEngine, MongoEngine>();
        services.AddSingleton<IDocumentStore, MongoDocumentStore>();
        services.AddSingleton<IAuditStore, MongoAuditStore>();
        services.AddSingleton<MongoAuditStatistics>();
        services.AddSingleton<Core.Compliance.IAuditStatistics>(sp => new CachedAuditStatistics(
            sp.GetRequiredService<MongoAuditStatistics>(), sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>Client settings from the connection string, which never reaches a log or an exception message.</summary>
    internal static MongoClientSettings CreateSettings(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"{StorageOptions.Section}:MongoConnectionString is required when the provider is Mongo.");
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
                $"{StorageOptions.Section}:MongoConnectionString is not a valid MongoDB connection string ({ex.GetType().Name}).");
        }

        settings.ApplicationName = ApplicationName;
        return settings;
    }
}
