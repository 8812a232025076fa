using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Driver;
using Plexura.Core;
using Plexura.Infrastructure;
using Plexura.Infrastructure.Persistence;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>A fresh database on one engine, with the real services over it.</summary>
public abstract class StorageFixture : IAsyncLifetime
{
    private ServiceProvider? _services;

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("The fixture is not initialized.");

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    protected abstract Dictionary<string, string?> EngineSettings();

    /// <summary>Alters one stored audit event behind the app's back, as an attacker with database access would.</summary>
    public abstract Task TamperWithAuditEventAsync(Core.Common.PracticeId practiceId, long sequence);

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public virtual async Task InitializeAsync()
    {
        var settings = EngineSettings();
        settings["Plexura:Security:MasterKey"] = TestConfiguration.NewMasterKey();
        settings["Plexura:Auth:SigningKey"] = TestConfiguration.NewSigningKey();

        // The lowest work factor the validator allows: use-case tests hash and verify many passwords.
        settings["Plexura:Auth:BcryptWorkFactor"] = "10";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(Time)
            .AddPlexuraCore()
            .AddPlexuraInfrastructure(configuration, Path.GetTempPath());
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await Get<IStorageEngine>().InitializeAsync(CancellationToken.None);
    }

    public virtual async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }
}

public sealed class SqliteStorageFixture : StorageFixture
{
    private readonly string _folder = TestConfiguration.NewTempFolder();

    public string DatabasePath => Path.Combine(_folder, "plexura.db");

    /// <summary>The key vault's file: a separate database, as in production.</summary>
    public string KeyVaultPath => Path.Combine(_folder, "vault", "keys.db");

    protected override Dictionary<string, string?> EngineSettings() => new()
    {
        ["Plexura:Storage:Provider"] = "Sqlite",
        ["Plexura:Storage:SqlitePath"] = DatabasePath,
        ["Plexura:Storage:KeyVaultPath"] = KeyVaultPath,
    };

    public override async Task TamperWithAuditEventAsync(Core.Common.PracticeId practiceId, long sequence)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DROP TRIGGER audit_events_no_update;
            UPDATE audit_events SET actor_email = 'someone-else@example.com' WHERE practice_id = $p AND sequence = $s;
            """;
        command.Parameters.AddWithValue("$p", practiceId.ToString());
        command.Parameters.AddWithValue("$s", sequence);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>MongoDB from <c>PLEXURA_TEST_MONGODB_URI</c>, in a database of its own that is dropped afterwards.</summary>
public sealed class MongoStorageFixture : StorageFixture
{
    public const string UriVariable = "PLEXURA_TEST_MONGODB_URI";

    private readonly string _database = $"plexura_test_{Guid.NewGuid():N}";

    private static string? Uri => Environment.GetEnvironmentVariable(UriVariable);

    protected override Dictionary<string, string?> EngineSettings() => new()
    {
        ["Plexura:Storage:Provider"] = "Mongo",
        ["Plexura:Storage:MongoConnectionString"] = Uri,
        ["Plexura:Storage:MongoDatabase"] = _database,
        ["Plexura:Storage:MongoKeyVaultDatabase"] = KeyVaultDatabase,
    };

    /// <summary>The key vault's database: a separate one, as in production; dropped with the main one.</summary>
    public string KeyVaultDatabase => _database + "_vault";

    public override Task InitializeAsync() => string.IsNullOrWhiteSpace(Uri) ? Task.CompletedTask : base.InitializeAsync();

    public override async Task TamperWithAuditEventAsync(Core.Common.PracticeId practiceId, long sequence)
    {
        var events = Get<IMongoDatabase>().GetCollection<MongoDB.Bson.BsonDocument>("audit_events");
        var filter = new MongoDB.Bson.BsonDocument { ["practiceId"] = practiceId.ToString(), ["sequence"] = sequence };
        var update = new MongoDB.Bson.BsonDocument("$set", new MongoDB.Bson.BsonDocument("actorEmail", "someone-else@example.com"));
        var result = await events.UpdateOneAsync(filter, update);
        Assert.Equal(1, result.ModifiedCount);
    }

    public override async Task DisposeAsync()
    {
        if (!string.IsNullOrWhiteSpace(Uri))
        {
            await Get<IMongoClient>().DropDatabaseAsync(_database);
            await Get<IMongoClient>().DropDatabaseAsync(KeyVaultDatabase);
        }

        await base.DisposeAsync();
    }
}
