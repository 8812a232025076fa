namespace Plexura.Infrastructure.Persistence.Documents;

/// <summary>An engine that stores document collections (SQLite or MongoDB).</summary>
public interface IDocumentStore
{
    /// <summary>The collection described by <paramref name="definition"/>.</summary>
    IDocumentCollection<T> Collection<T>(CollectionDefinition<T> definition)
        where T : class;
}
