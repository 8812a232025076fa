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
        Assert.IsType<MongoEngine>(engine);
        Assert.Equal("mongo", engine.Name);
        Assert.IsType<MongoDocumentStore>(provider.GetRequiredService<IDocumentStore>());
        Assert.IsType<MongoAuditStore>(provider.GetRequiredService<IAuditStore>());
        Assert.Equal("plexura", provider.GetRequiredService<IMongoClient>().Settings.ApplicationName);
        Assert.Equal("plexura_test", provider.GetRequiredService<IMongoDatabase>().DatabaseNamespace.DatabaseName);
    }

    [Fact]
    public void CreateSettings_InvalidConnectionString_ThrowsWithoutQuotingIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => MongoRegistration.CreateSettings("mongodb://user:s3cr3t@host:notaport/?bogus=1"));

        Assert.DoesNotContain("s3cr3t", ex.ToString(), StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
    }
}
