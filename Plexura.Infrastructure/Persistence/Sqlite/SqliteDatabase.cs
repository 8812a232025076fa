using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Plexura.Infrastructure.Security;

namespace Plexura.Infrastructure.Persistence.Sqlite;

/// <summary>Opens connections to the embedded database with the settings every connection needs.</summary>
/// <remarks>
/// The data folder is created 0700 and the database file 0600 before SQLite first opens it (SQLite would create it
/// 0644 under the usual umask); SQLite gives its -wal and -shm files the database file's mode, and
/// <see cref="RestrictFiles"/> makes sure of it. See <see cref="OwnerOnlyFiles"/>.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The write gate's SemaphoreSlim holds no wait handle unless AvailableWaitHandle is read, which it never is; disposing it could fail a write still releasing its turn at shutdown.")]
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly string _pragmas;
    private static readonly object Configured = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = new();

    /// <summary>A database at <paramref name="path"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="secureDelete">
    /// Overwrite deleted content with zeros (<c>PRAGMA secure_delete</c>), so a deleted row's bytes do not linger in
    /// free pages of the file: on for the key vault, where a deleted key must be gone from later copies of the file.
    /// </param>
    public SqliteDatabase(string path, bool secureDelete = false)
    {
        _pragmas = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;" + (secureDelete ? " PRAGMA secure_delete = ON;" : string.Empty);
        var full = Path.GetFullPath(path);
        OwnerOnlyFiles.EnsureFolder(Path.GetDirectoryName(full)!);
        OwnerOnlyFiles.EnsureFile(full);
        FilePath = full;
        RestrictFiles();
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    /// <summary>Makes the database file and its -wal and -shm companions, where present, readable by the owner only.</summary>
    public void RestrictFiles()
    {
        OwnerOnlyFiles.Restrict(FilePath);
        OwnerOnlyFiles.Restrict(FilePath + "-wal");
        OwnerOnlyFiles.Restrict(FilePath + "-shm");
    }

    /// <summary>
    /// An open connection for a write, after this process's other gated writers to the same file are done: the turn
    /// is awaited without holding a thread, where SQLite's own busy handler would sleep on one (up to 100 ms a try, so
    /// under many concurrent writers threads block, the pool starves and the tail grows to seconds). Dispose the
    /// returned write to release the turn. Other processes (another app instance) are still waited for by
    /// <c>busy_timeout</c>. Never open a second write on the same database while holding one: the turn is not re-entrant.
    /// </summary>
    public async Task<SqliteWrite> OpenForWriteAsync(CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            return new SqliteWrite(await OpenAsync(ct), _writeGate);
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    /// <summary>An open connection: foreign keys on, WAL journal, NORMAL sync (durable at checkpoints, safe with WAL).</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        // A pooled connection keeps its native handle, and the handle keeps these settings: set them once per handle.
        if (connection.Handle is { } handle && !_configured.TryGetValue(handle, out _))
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = _pragmas;
            await pragma.ExecuteNonQueryAsync(ct);
            _configured.AddOrUpdate(handle, Configured);
        }

        return connection;
    }
}

/// <summary>A connection opened for a write, holding this process's turn to write the database until disposed.</summary>
/// <param name="connection">The open connection.</param>
/// <param name="gate">The turn, released once the connection is closed.</param>
public sealed class SqliteWrite(SqliteConnection connection, SemaphoreSlim gate) : IAsyncDisposable
{
    private int _disposed;

    /// <summary>The open connection.</summary>
    public SqliteConnection Connection { get; } = connection;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            try
            {
                await Connection.DisposeAsync();
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
