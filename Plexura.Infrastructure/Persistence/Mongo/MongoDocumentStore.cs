using MongoDB.Driver;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Mongo;

/// <summary>Document collections in a MongoDB database.</summary>
internal sealed class MongoDocumentStore(IMongoDatabase database, MongoSchema schema) : IDocumentStore
{
    public IDocumentCollection<T> Collection<T>(CollectionDefinition<T> definition)
        where T : class => new MongoDocumentCollection<T>(database, schema, definition);
}
