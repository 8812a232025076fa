namespace Plexura.Infrastructure.Persistence.Sqlite;

/// <summary>The embedded engine: migrations at start, a trivial query as the liveness probe.</summary>
internal sealed class SqliteEngine(SqliteDatabase database, SqliteMigrator migrator, string name = "sqlite") : IStorageEngine
{
    public string Name => name;

    public Task InitializeAsync(CancellationToken ct) => migrator.MigrateAsync(ct);

    public async Task PingAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM schema_migrations";
        await command.ExecuteScalarAsync(ct);
    }
}
