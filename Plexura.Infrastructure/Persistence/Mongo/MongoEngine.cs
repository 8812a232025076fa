using MongoDB.Bson;
using MongoDB.Driver;

namespace Plexura.Infrastructure.Persistence.Mongo;

/// <summary>The MongoDB engine: indexes at start, the <c>ping</c> command as the liveness probe.</summary>
internal sealed class MongoEngine(IMongoDatabase database, MongoSchema schema, string name = "mongo") : IStorageEngine
{
    private static readonly BsonDocument Ping = new("ping", 1);

    public string Name => name;

    public Task InitializeAsync(CancellationToken ct) => schema.EnsureAsync(ct);

    public Task PingAsync(CancellationToken ct) =>
        database.RunCommandAsync<BsonDocument>(Ping, readPreference: null, cancellationToken: ct);
}
