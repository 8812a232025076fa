using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Plexura.Infrastructure.Persistence.Sqlite;

/// <summary>Brings the embedded database to the newest schema at start.</summary>
public sealed class SqliteMigrator(SqliteDatabase database, TimeProvider time, ILogger<SqliteMigrator> logger)
{
    internal IReadOnlyList<SqliteMigration> Migrations { get; init; } = SqliteMigrations.All;

    /// <summary>Applies every pending migration; refuses a database written by a newer version of the app.</summary>
    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INTEGER NOT NULL PRIMARY KEY,
                    name       TEXT    NOT NULL,
                    applied_at TEXT    NOT NULL
                ) STRICT;
                """;
            await setup.ExecuteNonQueryAsync(ct);
        }

        // WAL mode has just created the -wal and -shm files (SQLite copies the database file's mode; this makes sure).
        database.RestrictFiles();

        var applied = await AppliedVersionsAsync(connection, ct);
        var current = applied.Count == 0 ? 0 : applied.Max();
        var newest = Migrations.Max(m => m.Version);
        if (current > newest)
        {
            throw new InvalidOperationException(
                $"The database at {database.FilePath} has schema version {current}, newer than this app's {newest}.");
        }

        // Every step not yet recorded, in order: a database that got a later step from a branch before an earlier
        // one landed still receives the earlier one.
        foreach (var migration in Migrations.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            await migration.ApplyAsync(connection, transaction);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)";
            record.Parameters.AddWithValue("$v", migration.Version);
            record.Parameters.AddWithValue("$n", migration.Name);
            record.Parameters.AddWithValue("$t", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            await record.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            logger.LogInformation("Applied schema migration {Version} ({Name})", migration.Version, migration.Name);
        }
    }

    private static async Task<HashSet<long>> AppliedVersionsAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_migrations";
        var versions = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            versions.Add(reader.GetInt64(0));
        }

        return versions;
    }
}
