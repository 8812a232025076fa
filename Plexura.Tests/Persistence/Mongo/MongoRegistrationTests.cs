using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using Plexura.Core.Auditing;
using Plexura.Infrastructure;
using Plexura.Infrastructure.Auditing;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Infrastructure.Persistence.Mongo;

namespace Plexura.Tests.Persistence.Mongo;

public sealed class MongoRegistrationTests
{
    [Fact]
    public async Task AddPlexuraInfrastructure_MongoProvider_RegistersMongoEngineWithoutConnecting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plexura:Storage:Provider"] = "Mongo",
            ["Plexura:Storage:MongoConnectionString"] = "mongodb://app:pw@127.0.0.1:1/?serverSelectionTimeoutMS=100",
            ["Plexura:Storage:MongoDatabase"] = "plexura_test",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPlexuraInfrastructure(configuration, Path.GetTempPath());
        await using var provider = services.BuildServiceProvider();

        var engine = provider.GetRequiredService<IStorageEngine>();
        Assert.IsType<StorageEngineWithKeyVault>(engine);
        Assert.IsType<MongoEngine>(provider.GetRequiredKeyedService<IStorageEngine>(DependencyInjection.MainEngineKey));
        Assert.Equal("mongo", engine.Name);
        var vault = provider.GetRequiredService<KeyVault>();
        Assert.IsType<MongoDocumentStore>(vault.Store);
        Assert.Equal("mongo key vault", vault.Engine.Name);
        Assert.IsType<MongoDocumentStore>(provider.GetRequiredService<IDocumentStore>());
        Assert.IsType<MongoAuditStore>(provider.GetRequiredService<IAuditStore>());
        Assert.Equal("plexura", provider.GetRequiredService<IMongoClient>().Settings.ApplicationName);
        Assert.Equal("plexura_test", provider.GetRequiredService<IMongoDatabase>().DatabaseNamespace.DatabaseName);
    }

    [Fact]
    public async Task AddPlexuraInfrastructure_KeyVaultConnectionString_PutsTheVaultOnAClientOfItsOwn()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plexura:Storage:Provider"] = "Mongo",
            ["Plexura:Storage:MongoConnectionString"] = "mongodb://app:pw@127.0.0.1:1/?serverSelectionTimeoutMS=100",
            ["Plexura:Storage:MongoDatabase"] = "plexura_test",
            ["Plexura:Storage:MongoKeyVaultConnectionString"] = "mongodb://app:pw@127.0.0.1:2/?serverSelectionTimeoutMS=100",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPlexuraInfrastructure(configuration, Path.GetTempPath());
        await using var provider = services.BuildServiceProvider();

        // Unreachable on purpose: the vault's probe fails on its own server while the main client is never asked.
        var vault = provider.GetRequiredService<KeyVault>();
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => vault.Engine.PingAsync(CancellationToken.None));

        Assert.Contains("127.0.0.1:2", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateSettings_InvalidConnectionString_ThrowsWithoutQuotingIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => MongoRegistration.CreateSettings("mongodb://user:s3cr3t@host:notaport/?bogus=1"));

        Assert.DoesNotContain("s3cr3t", ex.ToString(), StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
    }
}
