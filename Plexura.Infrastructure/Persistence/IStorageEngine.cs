namespace Plexura.Infrastructure.Persistence;

/// <summary>Start-up and liveness of the configured database engine.</summary>
public interface IStorageEngine
{
    /// <summary>Engine name for logs and health output.</summary>
    string Name { get; }

    /// <summary>Migrates the schema (SQLite) or creates indexes (MongoDB). Runs once at start.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>Throws when the database cannot be reached.</summary>
    Task PingAsync(CancellationToken ct);
}
