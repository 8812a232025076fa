using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Plexura.Core;
using Plexura.Core.Common;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Core.Sessions.Audio;
using Plexura.Infrastructure;
using Plexura.Infrastructure.Audio;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>
/// Issue 11, point 4: a session's audio key lives in the key vault, a separate SQLite file, so a backup of the main
/// database holds only ciphertext and deleting the key erases the audio from such backups too.
/// </summary>
public sealed class KeyVaultBackupTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly string _folder = TestConfiguration.NewTempFolder();
    private readonly string _masterKey = TestConfiguration.NewMasterKey();
    private readonly List<ServiceProvider> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task MainDatabaseBackup_AfterTheSessionAudioIsDeleted_CannotBeReadWithTheMasterAndPracticeKeys()
    {
        var live = await StartAsync("live");
        var (practice, session, samples) = await RecordAsync(live);
        var wrappedKey = (await VaultKeys(live).GetAsync(DocumentScope.Practice(practice), session.ToString(), Ct))!.WrappedKey;
        var mainOnly = Path.Combine(_folder, "backup-main-only");
        var mainAndVault = Path.Combine(_folder, "backup-main-and-vault");
        await BackUpAsync("live", "plexura.db", mainOnly);
        await BackUpAsync("live", "plexura.db", mainAndVault);
        await BackUpAsync("live", "plexura-keys.db", mainAndVault);

        await live.GetRequiredService<ISessionAudioStore>().DeleteAsync(practice, session, Ct);

        // The main backup holds the ciphertext and the practice key (wrapped by the master key), but no session key.
        var backupBytes = await File.ReadAllBytesAsync(Path.Combine(mainOnly, "plexura.db"));
        Assert.False(Holds(backupBytes, wrappedKey), "the main backup must not hold the wrapped session key");
        Assert.True(Holds(await File.ReadAllBytesAsync(Path.Combine(mainAndVault, "plexura-keys.db")), wrappedKey), "the vault backup does");
        var restored = await StartAsync("backup-main-only");
        Assert.NotNull(await restored.GetRequiredService<ISealedChunkStore>().GetAsync(practice, session, 0, Ct));
        var audio = restored.GetRequiredService<ISessionAudioStore>();
        Assert.Null(await audio.GetChunkAsync(practice, session, 0, Ct));
        await Assert.ThrowsAsync<AudioUnavailableException>(() => audio.ReadSamplesAsync(practice, session, 0, 1, Ct));

        // The converse, so this test can fail: main and vault copied together before the deletion still read.
        var both = await StartAsync("backup-main-and-vault");
        Assert.Equal(samples, await both.GetRequiredService<ISessionAudioStore>().GetChunkAsync(practice, session, 0, Ct));
    }

    [Fact]
    public async Task DeletedKey_LeavesNoBytesInTheVaultFile()
    {
        var live = await StartAsync("live");
        var (practice, session, _) = await RecordAsync(live);
        var wrappedKey = (await VaultKeys(live).GetAsync(DocumentScope.Practice(practice), session.ToString(), Ct))!.WrappedKey;
        await CheckpointAsync(Path.Combine(_folder, "live", "plexura-keys.db"));
        Assert.True(Holds(await File.ReadAllBytesAsync(Path.Combine(_folder, "live", "plexura-keys.db")), wrappedKey), "the key is in the vault file before");

        await live.GetRequiredService<ISessionAudioStore>().DeleteAsync(practice, session, Ct);
        await CheckpointAsync(Path.Combine(_folder, "live", "plexura-keys.db"));

        // secure_delete: the freed cell is overwritten, not left in a free block of the page.
        Assert.False(Holds(await File.ReadAllBytesAsync(Path.Combine(_folder, "live", "plexura-keys.db")), wrappedKey));
    }

    [Fact]
    public async Task LegacyKeyMovedOutOfTheMainDatabase_LeavesNoBytesInTheMainFile()
    {
        var live = await StartAsync("live");
        var (practice, session, samples) = await RecordAsync(live);
        var scope = DocumentScope.Practice(practice);
        var key = (await VaultKeys(live).GetAsync(scope, session.ToString(), Ct))!;
        await VaultKeys(live).DeleteAsync(scope, key.Id, key.Version, Ct);
        await live.GetRequiredService<IDocumentStore>().Collection(Collections.SessionAudioKeys).InsertAsync(scope, key with { Version = 0 }, Ct);

        await CheckpointAsync(Path.Combine(_folder, "live", "plexura.db"));
        Assert.True(Holds(await File.ReadAllBytesAsync(Path.Combine(_folder, "live", "plexura.db")), key.WrappedKey), "the legacy key is in the main file before");

        Assert.Equal(1, await live.GetRequiredService<LegacyAudioKeyMove>().RunAsync(Ct));

        var mainBytes = await File.ReadAllBytesAsync(Path.Combine(_folder, "live", "plexura.db"));
        Assert.False(Holds(mainBytes, key.WrappedKey), "the moved key must not linger in the main file");
        Assert.Equal(samples, await live.GetRequiredService<ISessionAudioStore>().GetChunkAsync(practice, session, 0, Ct));
    }

    /// <summary>Whether <paramref name="file"/> holds <paramref name="key"/>, raw or as the base64 a JSON document stores.</summary>
    private static bool Holds(byte[] file, byte[] key) =>
        file.AsSpan().IndexOf(key) >= 0 || file.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(key))) >= 0;

    private static IDocumentCollection<SessionAudioKey> VaultKeys(IServiceProvider host) =>
        host.GetRequiredService<KeyVault>().Store.Collection(Collections.SessionAudioKeys);

    /// <summary>An online backup of one database file (<c>VACUUM INTO</c>: consistent, WAL included), into <paramref name="target"/>.</summary>
    private async Task BackUpAsync(string folder, string file, string target)
    {
        Directory.CreateDirectory(target);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, folder, file)};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $target";
        command.Parameters.AddWithValue("$target", Path.Combine(target, file));
        await command.ExecuteNonQueryAsync();
    }

    private static async Task CheckpointAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(PracticeId Practice, ClinicalSessionId Session, byte[] Samples)> RecordAsync(IServiceProvider host)
    {
        var practice = new Practice(PracticeId.New(), "Practice", DateTimeOffset.UtcNow);
        await host.GetRequiredService<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        await host.GetRequiredService<IPracticeKeyService>().CreateAsync(practice.Id, Ct);
        var session = ClinicalSessionId.New();
        var samples = new byte[3_200];
        new Random(42).NextBytes(samples);
        await host.GetRequiredService<ISessionAudioStore>().PutChunkAsync(practice.Id, session, 0, samples, Ct);
        return (practice.Id, session, samples);
    }

    /// <summary>The app's services over <c>{folder}/plexura.db</c> and, by default, <c>{folder}/plexura-keys.db</c>, with the one master key.</summary>
    private async Task<ServiceProvider> StartAsync(string folder)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plexura:Storage:Provider"] = "Sqlite",
            ["Plexura:Storage:SqlitePath"] = Path.Combine(_folder, folder, "plexura.db"),
            ["Plexura:Security:MasterKey"] = _masterKey,
            ["Plexura:Auth:SigningKey"] = TestConfiguration.NewSigningKey(),
            ["Plexura:Auth:BcryptWorkFactor"] = "10",
        }).Build();
        var host = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow))
            .AddPlexuraCore()
            .AddPlexuraInfrastructure(configuration, Path.GetTempPath())
            .BuildServiceProvider();
        _hosts.Add(host);
        await host.GetRequiredService<IStorageEngine>().InitializeAsync(Ct);
        return host;
    }
}
