using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Infrastructure.Persistence.Sqlite;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>What only the embedded engine has: migrations, pragmas, foreign keys and append-only triggers.</summary>
public sealed class SqliteEngineTests : IAsyncLifetime
{
    private readonly SqliteStorageFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private const string AuditColumns =
        "practice_id, sequence, id, timestamp_ms, actor_user_id, actor_email, source_ip, user_agent, action, target_type, target_id, client_id, result, details, previous_hash, hash";

    // The first event again, with its result rewritten: what a rewrite of the log would insert.
    private const string RewrittenFirstEvent =
        "SELECT practice_id, sequence, id, timestamp_ms, actor_user_id, actor_email, source_ip, user_agent, action, target_type, target_id, client_id, 'Denied', details, previous_hash, hash FROM audit_events WHERE sequence = 1";

    // The first event's id under the next free sequence: REPLACE would delete the original through the id's UNIQUE key.
    private const string FirstEventIdAtANewSequence =
        "SELECT practice_id, 99, id, timestamp_ms, actor_user_id, actor_email, source_ip, user_agent, action, target_type, target_id, client_id, 'Denied', details, previous_hash, hash FROM audit_events WHERE sequence = 1";

    /// <summary>Every SQL form that could rewrite, remove or shadow an audit event.</summary>
    public static TheoryData<string> RewritingStatements() => new()
    {
        "UPDATE audit_events SET result = 'Denied'",
        "UPDATE OR REPLACE audit_events SET sequence = 2 WHERE sequence = 1",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE sequence = 1",
        $"REPLACE INTO audit_events ({AuditColumns}) {RewrittenFirstEvent}",
        $"INSERT OR REPLACE INTO audit_events ({AuditColumns}) {RewrittenFirstEvent}",
        $"INSERT OR REPLACE INTO audit_events ({AuditColumns}) {FirstEventIdAtANewSequence}",
        $"INSERT INTO audit_events ({AuditColumns}) {RewrittenFirstEvent} AND true ON CONFLICT DO UPDATE SET result = excluded.result",
        $"INSERT INTO audit_events ({AuditColumns}) {RewrittenFirstEvent} AND true ON CONFLICT (practice_id, sequence) DO UPDATE SET result = 'Denied'",
        $"INSERT OR IGNORE INTO audit_events ({AuditColumns}) {RewrittenFirstEvent}",
        $"INSERT INTO audit_events ({AuditColumns}) {RewrittenFirstEvent} AND true ON CONFLICT DO NOTHING",
        $"INSERT INTO audit_events ({AuditColumns}) {RewrittenFirstEvent}",
    };

    [Theory]
    [MemberData(nameof(RewritingStatements))]
    public async Task AuditTable_RewritingSql_IsAbortedAndTheChainStillVerifies(string sql)
    {
        var practice = PracticeId.New();
        var log = _fixture.Get<IAuditLog>();
        for (var i = 0; i < 2; i++)
        {
            await log.RecordAsync(
                new AuditEntry(practice, AuditActor.Anonymous, null, null, AuditAction.SignIn, null, null, null, AuditResult.Success), CancellationToken.None);
        }

        await using var connection = await OpenAsync();
        var before = await DumpAsync(connection, practice);

        var refused = await Assert.ThrowsAsync<SqliteException>(() => ExecuteAsync(connection, sql.Replace("FROM audit_events WHERE", $"FROM audit_events WHERE practice_id = '{practice}' AND", StringComparison.Ordinal)));

        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await DumpAsync(connection, practice));
        Assert.True((await _fixture.Get<AuditChainVerifier>().VerifyAsync(practice, CancellationToken.None)).IsValid);
    }

    [Fact]
    public async Task Open_PooledConnection_KeepsTheSettingsSetOnItsFirstOpen()
    {
        var folder = TestConfiguration.NewTempFolder();
        try
        {
            var database = new SqliteDatabase(Path.Combine(folder, "plexura.db"), secureDelete: true);
            for (var open = 0; open < 3; open++)
            {
                await using var connection = await database.OpenAsync(CancellationToken.None);
                Assert.Equal(30000L, await ScalarAsync(connection, "PRAGMA busy_timeout"));
                Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA synchronous"));
                Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA secure_delete"));
                Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA foreign_keys"));
            }

            // A connection opened after the pool was cleared is a new handle, configured again.
            SqliteConnection.ClearAllPools();
            await using var fresh = await database.OpenAsync(CancellationToken.None);
            Assert.Equal(30000L, await ScalarAsync(fresh, "PRAGMA busy_timeout"));
            Assert.Equal(1L, await ScalarAsync(fresh, "PRAGMA synchronous"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }

        static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return await command.ExecuteScalarAsync();
        }
    }

    [Fact]
    public async Task OpenForWrite_WhileAnotherWriteHoldsTheTurn_WaitsWithoutAThreadAndGetsItOnRelease()
    {
        var folder = TestConfiguration.NewTempFolder();
        try
        {
            var database = new SqliteDatabase(Path.Combine(folder, "plexura.db"));
            var first = await database.OpenForWriteAsync(CancellationToken.None);
            await ExecuteAsync(first.Connection, "CREATE TABLE scratch (x INTEGER);");

            // A second writer waits for the turn: its task is not complete while the first holds it.
            var second = database.OpenForWriteAsync(CancellationToken.None);
            Assert.False(second.IsCompleted);

            // A waiter that gives up leaves the queue; the turn is still the first writer's.
            using (var giveUp = new CancellationTokenSource())
            {
                var cancelled = database.OpenForWriteAsync(giveUp.Token);
                await giveUp.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
            }

            Assert.False(second.IsCompleted);
            await first.DisposeAsync();
            await first.DisposeAsync(); // Twice releases once.
            await using (var turn = await second)
            {
                await ExecuteAsync(turn.Connection, "INSERT INTO scratch VALUES (1);");
            }

            // Released again: the next writer gets the turn at once.
            var third = database.OpenForWriteAsync(CancellationToken.None);
            await using var thirdTurn = await third.WaitAsync(TimeSpan.FromSeconds(30));
            await ExecuteAsync(thirdTurn.Connection, "INSERT INTO scratch VALUES (2);");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Database_Created_IsReadableByItsOwnerOnlyWithWalAndShmInAnOwnerOnlyFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows has ACLs, not modes.
        }

        var folder = TestConfiguration.NewTempFolder();
        var dataFolder = Path.Combine(folder, "data", "nested");
        var path = Path.Combine(dataFolder, "plexura.db");
        try
        {
            var database = new SqliteDatabase(path);
            await new SqliteMigrator(database, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None);
            await using var connection = await database.OpenAsync(CancellationToken.None);
            await ExecuteAsync(connection, "CREATE TABLE scratch (x INTEGER); INSERT INTO scratch VALUES (1);");

            const UnixFileMode ownerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dataFolder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(dataFolder)!));
            Assert.Equal(ownerReadWrite, File.GetUnixFileMode(path));
            Assert.Equal(ownerReadWrite, File.GetUnixFileMode(path + "-wal"));
            Assert.Equal(ownerReadWrite, File.GetUnixFileMode(path + "-shm"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Database_ExistingWorldReadableFile_IsMadeOwnerOnlyAtOpen()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows has ACLs, not modes.
        }

        var folder = TestConfiguration.NewTempFolder();
        var path = Path.Combine(folder, "old.db");
        try
        {
            await File.WriteAllBytesAsync(path, []);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            var database = new SqliteDatabase(path);
            await new SqliteMigrator(database, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Migrate_RunTwice_AppliesEachVersionOnceInWalMode()
    {
        await _fixture.Get<SqliteMigrator>().MigrateAsync(CancellationToken.None);
        await using var connection = await OpenAsync();

        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
        Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA foreign_keys"));
        Assert.Equal(await ScalarAsync(connection, "SELECT COUNT(*) FROM schema_migrations"), await ScalarAsync(connection, "SELECT COUNT(DISTINCT version) FROM schema_migrations"));
        Assert.Equal((long)SqliteMigrations.All.Max(m => m.Version), await ScalarAsync(connection, "SELECT MAX(version) FROM schema_migrations"));
    }

    [Fact]
    public Task Migrate_DatabaseAtVersion4_AddsTheEmailVerificationTokenIndex() =>
        UpgradeFromAsync(
            4,
            // A version-4 database was made before the index joined the users definition.
            connection => ExecuteAsync(connection, "DROP INDEX ix_users_emailVerificationTokenHash"),
            async check =>
            {
                Assert.Equal(1L, await ScalarAsync(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_users_emailVerificationTokenHash'"));
                Assert.Equal((long)SqliteMigrations.All.Max(m => m.Version), await ScalarAsync(check, "SELECT MAX(version) FROM schema_migrations"));
            });

    [Fact]
    public Task Migrate_DatabaseAtVersion5_CreatesTheInvitationsTableWithItsIndexes() =>
        UpgradeFromAsync(
            5, beforeUpgrade: null,
            async check =>
            {
                Assert.Equal(1L, await ScalarAsync(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'invitations'"));
                Assert.Equal(1L, await ScalarAsync(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_invitations_tokenHash_all'"));
                Assert.Equal(1L, await ScalarAsync(check, "SELECT COUNT(*) FROM schema_migrations WHERE version = 7"));
            });

    [Fact]
    public Task Migrate_DatabaseAtVersion7_CreatesClientTablesAndTheSearchTokenTable() =>
        UpgradeFromAsync(
            7, beforeUpgrade: null,
            async check =>
            {
                Assert.Equal(3L, await ScalarAsync(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('clients', 'clients_searchTokens', 'client_consents')"));
                Assert.Equal(1L, await ScalarAsync(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_client_consents_clientId'"));
                Assert.Equal(2L, await ScalarAsync(check, "SELECT COUNT(*) FROM schema_migrations WHERE version IN (8, 9)"));

                // The token lookup is an index range per token on (practice_id, value), never a scan.
                await using var explain = check.CreateCommand();
                explain.CommandText = "EXPLAIN QUERY PLAN SELECT doc_id FROM clients_searchTokens WHERE practice_id = 'p' AND value IN ('a', 'b') GROUP BY doc_id HAVING COUNT(*) = 2";
                var plan = new List<string>();
                await using (var reader = await explain.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        plan.Add(reader.GetString(3));
                    }
                }

                Assert.Contains(plan, d => d.Contains("USING PRIMARY KEY (practice_id=? AND value=?)", StringComparison.Ordinal));
                Assert.DoesNotContain(plan, d => d.StartsWith("SCAN clients_searchTokens", StringComparison.Ordinal));
            });

    [Fact]
    public Task Migrate_DatabaseAtVersion10_CreatesTheClinicalSessionsTableWithItsClientIndex() =>
        UpgradeFromAsync(
            10, beforeUpgrade: null,
            async check =>
            {
                Assert.Equal(1L, await ScalarAsync(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'clinical_sessions'"));
                Assert.Equal(1L, await ScalarAsync(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_clinical_sessions_clientId'"));
                Assert.Equal(1L, await ScalarAsync(check, "SELECT COUNT(*) FROM schema_migrations WHERE version = 11"));
            });

    [Fact]
    public Task Migrate_DatabaseAtVersion11_AddsTheClientCreatorIndex() =>
        UpgradeFromAsync(
            11,
            // A version-11 database was made before the index joined the clients definition.
            connection => ExecuteAsync(connection, "DROP INDEX ix_clients_createdBy"),
            async check =>
            {
                Assert.Equal(1L, await ScalarAsync(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_clients_createdBy'"));
                Assert.Equal(1L, await ScalarAsync(check, "SELECT COUNT(*) FROM schema_migrations WHERE version = 12"));
            });

    [Fact]
    public Task Migrate_DatabaseAtVersion5_AddsThePasswordResetTokenIndex() =>
        UpgradeFromAsync(
            5,
            // A version-5 database was made before the index joined the users definition.
            connection => ExecuteAsync(connection, "DROP INDEX ix_users_passwordResetTokenHash"),
            async check =>
            {
                Assert.Equal(1L, await ScalarAsync(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_users_passwordResetTokenHash'"));
                Assert.True(await ScalarAsync(check, "SELECT MAX(version) FROM schema_migrations") is long version && version >= 6);
            });

    [Fact]
    public async Task Migrate_DatabaseFromANewerApp_RefusesToStart()
    {
        await using (var connection = await OpenAsync())
        {
            await ExecuteAsync(connection, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')");
        }

        var migrator = new SqliteMigrator(new SqliteDatabase(_fixture.DatabasePath), TimeProvider.System, NullLogger<SqliteMigrator>.Instance);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => migrator.MigrateAsync(CancellationToken.None));
        Assert.Contains("999", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MembershipAdd_ForPracticeThatDoesNotExist_IsRefusedByForeignKey()
    {
        var practice = PracticeId.New();
        var membership = new Membership(MembershipId.New(), practice, UserId.New(), PracticeRole.Clinician, DateTimeOffset.UnixEpoch);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            _fixture.Get<IMembershipRepository>().AddAsync(practice, membership, CancellationToken.None));
    }

    private async Task<SqliteConnection> OpenAsync() => await new SqliteDatabase(_fixture.DatabasePath).OpenAsync(CancellationToken.None);

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> DumpAsync(SqliteConnection connection, PracticeId practice)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AuditColumns} FROM audit_events WHERE practice_id = $p ORDER BY sequence";
        command.Parameters.AddWithValue("$p", practice.ToString());
        var rows = new System.Text.StringBuilder();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                rows.Append(reader.IsDBNull(i) ? "null" : reader.GetValue(i).ToString()).Append('|');
            }

            rows.AppendLine();
        }

        return rows.ToString();
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Makes a database at <paramref name="version"/>, lets <paramref name="beforeUpgrade"/> shape it as an old app left it, upgrades it, then checks it.</summary>
    private static async Task UpgradeFromAsync(int version, Func<SqliteConnection, Task>? beforeUpgrade, Func<SqliteConnection, Task> check)
    {
        var folder = TestConfiguration.NewTempFolder();
        var path = Path.Combine(folder, "old.db");
        try
        {
            var database = new SqliteDatabase(path);
            var old = new SqliteMigrator(database, TimeProvider.System, NullLogger<SqliteMigrator>.Instance)
            {
                Migrations = [.. SqliteMigrations.All.Where(m => m.Version <= version)],
            };
            await old.MigrateAsync(CancellationToken.None);
            if (beforeUpgrade is not null)
            {
                await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
                await connection.OpenAsync();
                await beforeUpgrade(connection);
            }

            await new SqliteMigrator(database, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None);

            await using var upgraded = new SqliteConnection($"Data Source={path};Pooling=False");
            await upgraded.OpenAsync();
            await check(upgraded);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
