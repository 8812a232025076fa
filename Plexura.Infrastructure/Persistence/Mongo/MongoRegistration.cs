using Microsoft.Extensions.DependencyInjection;

namespace Plexura.Infrastructure.Persistence.Mongo;

/// <summary>Registers the MongoDB engine.</summary>
internal static class MongoRegistration
{
    public static void Add(IServiceCollection services) =>
        throw new NotSupportedException("The MongoDB engine is being written: use Sqlite.");
}
