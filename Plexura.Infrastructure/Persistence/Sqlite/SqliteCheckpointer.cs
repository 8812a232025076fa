using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Plexura.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Checkpoints the main database's write-ahead log off the writers' path (the database is opened with
/// <c>wal_autocheckpoint = 0</c>, see <see cref="SqliteDatabase"/>).
/// </summary>
/// <remarks>
/// <para>Each pass runs a passive checkpoint, which copies logged pages back into the database while writers go on
/// appending: the bulk of the copying and its syncs leave the commit path.</para>
/// <para>A passive checkpoint alone never lets the log start over while writes keep coming, because the log is reset
/// only by a writer that finds every frame already copied. So once the log holds <see cref="ResetFrames"/> frames,
/// the pass takes this process's write turn and copies the few frames written since: the next writer then starts the
/// log from the beginning. Writers of another process on the same file can still keep it from catching up; past
/// <see cref="HardLimitFrames"/> a restart checkpoint waits for them (through <c>busy_timeout</c>) and resets the log.</para>
/// </remarks>
public sealed class SqliteCheckpointer(SqliteDatabase database, TimeProvider time, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <summary>Time between passes while the log has nothing new.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Log frames (pages) at which a pass makes sure the log starts over: 4,096 pages, 16 MB.</summary>
    public int ResetFrames { get; init; } = 4096;

    /// <summary>Log frames at which a pass waits for every writer, other processes' too: 65,536 pages, 256 MB.</summary>
    public int HardLimitFrames { get; init; } = 65_536;

    private long _passes;

    /// <summary>Passes the service has finished.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>What the service's last pass found.</summary>
    public WalCheckpoint Last { get; private set; }

    /// <summary>Runs one pass and says what the last checkpoint of it found.</summary>
    public async Task<WalCheckpoint> CheckpointAsync(CancellationToken ct)
    {
        WalCheckpoint result;
        await using (var connection = await database.OpenAsync(ct))
        {
            result = await RunAsync(connection, "PASSIVE", ct);
        }

        if (result.LogFrames >= HardLimitFrames)
        {
            await using var write = await database.OpenForWriteAsync(ct);
            result = await RunAsync(write.Connection, "RESTART", ct);
            logger.LogWarning("The write-ahead log reached {Frames} pages; a restart checkpoint waited for every writer", result.LogFrames);
        }
        else if (result.LogFrames >= ResetFrames)
        {
            // Copy what was written during the passive pass with this process's writers held: the next one resets the log.
            await using var write = await database.OpenForWriteAsync(ct);
            result = await RunAsync(write.Connection, "PASSIVE", ct);
        }

        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!database.BackgroundCheckpoints)
        {
            return;
        }

        await Task.Yield();
        while (true)
        {
            try
            {
                Last = await CheckpointAsync(stoppingToken);
                Interlocked.Increment(ref _passes);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SqliteException ex)
            {
                logger.LogWarning(ex, "A checkpoint of the write-ahead log failed; it is tried again");
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<WalCheckpoint> RunAsync(SqliteConnection connection, string mode, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new WalCheckpoint(reader.GetInt32(0) != 0, reader.GetInt32(1), reader.GetInt32(2))
            : new WalCheckpoint(false, 0, 0);
    }
}

/// <summary>What <c>PRAGMA wal_checkpoint</c> reported.</summary>
/// <param name="Busy">The checkpoint could not run to the end (a reader or writer held it back).</param>
/// <param name="LogFrames">Frames in the write-ahead log (-1 when the database is not in WAL mode).</param>
/// <param name="CheckpointedFrames">Frames of the log copied into the database, by this or earlier checkpoints.</param>
public readonly record struct WalCheckpoint(bool Busy, int LogFrames, int CheckpointedFrames);
