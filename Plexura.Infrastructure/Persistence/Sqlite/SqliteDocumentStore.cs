using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Sqlite;

/// <summary>Document collections in the embedded SQLite database.</summary>
internal sealed class SqliteDocumentStore(SqliteDatabase database) : IDocumentStore
{
    public IDocumentCollection<T> Collection<T>(CollectionDefinition<T> definition)
        where T : class => new SqliteDocumentCollection<T>(database, definition);
}
