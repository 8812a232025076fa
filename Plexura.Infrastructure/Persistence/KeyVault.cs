using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Infrastructure.Persistence.Sqlite;

namespace Plexura.Infrastructure.Persistence;

/// <summary>
/// The key vault: a second document store in a database of its own (SQLite file <c>Plexura:Storage:KeyVaultPath</c>,
/// MongoDB database <c>Plexura:Storage:MongoKeyVaultDatabase</c>), holding the session audio keys
/// (<see cref="Collections.KeyVault"/>).
/// </summary>
/// <remarks>
/// Kept apart so that main-database backups hold only ciphertext: the operator backs the vault up separately with
/// short retention (README), so deleting a session's key is final everywhere once that retention has passed.
/// </remarks>
/// <param name="store">The vault's collections.</param>
/// <param name="engine">Its start-up (migrations or indexes) and liveness probe.</param>
/// <param name="owned">What the vault created for itself and disposes with it (a client of its own, its schema gate).</param>
internal sealed class KeyVault(IDocumentStore store, IStorageEngine engine, params IDisposable[] owned) : IDisposable
{
    /// <summary>The vault's collections, through the same contract as the main store.</summary>
    public IDocumentStore Store { get; } = store;

    /// <summary>The vault's engine: <see cref="IStorageEngine.InitializeAsync"/> at start, <see cref="IStorageEngine.PingAsync"/> for readiness.</summary>
    public IStorageEngine Engine { get; } = engine;

    public void Dispose()
    {
        foreach (var item in owned)
        {
            item.Dispose();
        }
    }
}

/// <summary>The key vault's SQLite schema: its own history, starting at 1. Append new steps; never edit a released one.</summary>
internal static class KeyVaultMigrations
{
    public static readonly IReadOnlyList<SqliteMigration> All =
    [
        // No practices table here: the practice id is a plain column, filtered on like everywhere else.
        new(1, "session audio keys", (c, t) => SqliteMigrations.CreateCollectionAsync(c, t, Collections.SessionAudioKeys, referencesPractices: false)),
    ];
}

/// <summary>
/// The main engine followed by the key vault: initializing the storage migrates (or indexes) both and then moves keys
/// left in the main database by earlier versions into the vault, so every host that prepares its storage gets all three.
/// </summary>
/// <remarks>The probe is the main database's; the vault has its own readiness check (a <see cref="StorageHealthCheck"/> of its engine, "keyvault").</remarks>
internal sealed class StorageEngineWithKeyVault(IStorageEngine main, KeyVault vault, LegacyAudioKeyMove move) : IStorageEngine
{
    public string Name => main.Name;

    public async Task InitializeAsync(CancellationToken ct)
    {
        await main.InitializeAsync(ct);
        await vault.Engine.InitializeAsync(ct);
        await move.RunAsync(ct);
    }

    public Task PingAsync(CancellationToken ct) => main.PingAsync(ct);
}

/// <summary>Rewrites the main SQLite file so that deleted rows leave no bytes in its free pages or its WAL.</summary>
/// <remarks>
/// Run once after legacy keys were moved out: without it, a copy of the main file taken later could still hold a
/// moved key in a free page. <c>VACUUM</c> rebuilds the file; the TRUNCATE checkpoint empties the WAL.
/// </remarks>
internal sealed class SqliteFreeSpaceScrubber(SqliteDatabase database) : IFreeSpaceScrubber
{
    public async Task ScrubAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA secure_delete = ON; VACUUM; PRAGMA wal_checkpoint(TRUNCATE);";
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Removes the remains of deleted documents from the main database's files, where the engine allows it.</summary>
internal interface IFreeSpaceScrubber
{
    /// <summary>Rewrites free space; a no-op where the engine has no such operation for the app's role.</summary>
    Task ScrubAsync(CancellationToken ct);
}

/// <summary>MongoDB: nothing the app's least-privilege role may do (<c>compact</c> needs an administrator; README).</summary>
internal sealed class NoFreeSpaceScrubber : IFreeSpaceScrubber
{
    public Task ScrubAsync(CancellationToken ct) => Task.CompletedTask;
}
