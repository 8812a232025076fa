using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Plexura.Infrastructure.Persistence.Sqlite;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>
/// The main database leaves checkpoints of its write-ahead log to <see cref="SqliteCheckpointer"/>, so no writer's
/// commit copies the log back into the database while the others wait.
/// </summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private const int RowBytes = 64 * 1024;
    private readonly string _folder = TestConfiguration.NewTempFolder();
    private readonly List<SqliteConnection> _keepers = [];

    public void Dispose()
    {
        foreach (var keeper in _keepers)
        {
            keeper.Dispose();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Commits_WithBackgroundCheckpoints_LeaveTheLogWhole_TheCheckpointerCopiesIt_AndTheNextWriterStartsOver()
    {
        // About 6 MB in 96 commits: far past the 1,000 pages at which a commit would checkpoint by itself.
        var background = await FilledAsync("background.db", backgroundCheckpoints: true);
        var inline = await FilledAsync("inline.db", backgroundCheckpoints: false);
        var checkpointer = Checkpointer(background);

        var pass = await checkpointer.CheckpointAsync(CancellationToken.None);

        Assert.True(pass.LogFrames > 1_500, $"The log held {pass.LogFrames} frames: a commit checkpointed it.");
        Assert.Equal(pass.LogFrames, pass.CheckpointedFrames);
        Assert.False(pass.Busy);
        Assert.True(new FileInfo(background.FilePath + "-wal").Length > 6_000_000);
        // The control: committing writers checkpoint by themselves, and the log starts over below about 1,000 pages.
        var inlinePass = await Checkpointer(inline).CheckpointAsync(CancellationToken.None);
        Assert.InRange(inlinePass.LogFrames, 0, 1_100);

        // Everything was copied: the next write starts the log from its beginning.
        await WriteRowAsync(background);
        var after = await checkpointer.CheckpointAsync(CancellationToken.None);
        Assert.InRange(after.LogFrames, 1, 40);
        Assert.Equal(96 + 1, await CountAsync(background));
    }

    [Fact]
    public async Task Checkpoint_OfALogPastTheResetSize_FinishesInThisProcesssWriteTurn()
    {
        var database = await FilledAsync("reset.db", backgroundCheckpoints: true);
        var checkpointer = Checkpointer(database, resetFrames: 1_000);

        var writer = await database.OpenForWriteAsync(CancellationToken.None);
        // The passive pass runs at once (the ADO.NET provider is synchronous); the finishing pass waits for the turn.
        var pass = checkpointer.CheckpointAsync(CancellationToken.None);
        Assert.False(pass.IsCompleted);
        await writer.DisposeAsync();
        var result = await pass;

        Assert.Equal(result.LogFrames, result.CheckpointedFrames);
        await WriteRowAsync(database);
        Assert.InRange((await checkpointer.CheckpointAsync(CancellationToken.None)).LogFrames, 1, 40);
    }

    [Fact]
    public async Task Checkpoint_OfALogPastTheHardLimit_CopiesItAll_AndTheLogStartsOver()
    {
        var database = await FilledAsync("hard.db", backgroundCheckpoints: true);
        var checkpointer = Checkpointer(database, resetFrames: int.MaxValue, hardLimitFrames: 1_000);

        var result = await checkpointer.CheckpointAsync(CancellationToken.None);

        Assert.Equal(result.LogFrames, result.CheckpointedFrames);
        await WriteRowAsync(database);
        Assert.InRange((await checkpointer.CheckpointAsync(CancellationToken.None)).LogFrames, 1, 40);
    }

    [Fact]
    public async Task Service_Running_CheckpointsAtStartAndAfterEachInterval()
    {
        var database = await FilledAsync("service.db", backgroundCheckpoints: true);
        var time = new FakeTimeProvider();
        using var service = new SqliteCheckpointer(database, time, NullLogger<SqliteCheckpointer>.Instance) { Interval = TimeSpan.FromSeconds(1) };

        await service.StartAsync(CancellationToken.None);
        // The first pass copies the whole log.
        await WaitUntilAsync(() => service.Passes == 1);
        Assert.True(service.Last.LogFrames > 1_500);
        Assert.Equal(service.Last.LogFrames, service.Last.CheckpointedFrames);

        // The next pass waits for the interval; the log started over at the first write after the first pass.
        for (var row = 0; row < 20; row++)
        {
            await WriteRowAsync(database);
        }

        Assert.Equal(1, service.Passes);
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => service.Passes == 2);
        Assert.InRange(service.Last.LogFrames, 20, 1_000);
        Assert.Equal(service.Last.LogFrames, service.Last.CheckpointedFrames);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Service_ForADatabaseThatCheckpointsItself_DoesNothing()
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "self.db"));
        using var service = new SqliteCheckpointer(database, TimeProvider.System, NullLogger<SqliteCheckpointer>.Instance);

        await service.StartAsync(CancellationToken.None);

        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
    }

    private static SqliteCheckpointer Checkpointer(SqliteDatabase database, int resetFrames = int.MaxValue, int hardLimitFrames = int.MaxValue) =>
        new(database, TimeProvider.System, NullLogger<SqliteCheckpointer>.Instance) { ResetFrames = resetFrames, HardLimitFrames = hardLimitFrames };

    private async Task<SqliteDatabase> FilledAsync(string name, bool backgroundCheckpoints)
    {
        var database = new SqliteDatabase(Path.Combine(_folder, name), backgroundCheckpoints: backgroundCheckpoints);
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE chunks (data BLOB NOT NULL);";
            await command.ExecuteNonQueryAsync();
        }

        // The last connection to close checkpoints the log: one stays open, whatever another test does to the pools.
        // It reads once in WAL mode, so it holds its share of the log's index like any open connection.
        var keeper = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database.FilePath, Pooling = false }.ToString());
        keeper.Open();
        _keepers.Add(keeper);
        await using (var read = keeper.CreateCommand())
        {
            read.CommandText = "SELECT COUNT(*) FROM chunks;";
            await read.ExecuteScalarAsync();
        }

        for (var row = 0; row < 96; row++)
        {
            await WriteRowAsync(database);
        }

        return database;
    }

    private static async Task WriteRowAsync(SqliteDatabase database)
    {
        await using var write = await database.OpenForWriteAsync(CancellationToken.None);
        await using var command = write.Connection.CreateCommand();
        command.CommandText = "INSERT INTO chunks (data) VALUES (randomblob($size));";
        command.Parameters.AddWithValue("$size", RowBytes);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(SqliteDatabase database)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM chunks;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
