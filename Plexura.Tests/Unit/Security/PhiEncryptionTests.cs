using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexura.Core;
using Plexura.Core.Common;
using Plexura.Core.Security;
using Plexura.Infrastructure;
using Plexura.Tests.Fakes;
using Plexura.Tests.Persistence;
using Plexura.Tests.Support;

namespace Plexura.Tests.Unit.Security;

/// <summary>AES-256-GCM field encryption with per-practice keys wrapped by a rotatable master key.</summary>
public sealed class PhiEncryptionTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly PhiField Name = new("client", "c-1", "name");

    private readonly SqliteStorageFixture _fixture = new();

    private IPhiProtector Protector => _fixture.Get<IPhiProtector>();

    private IPracticeKeyService Keys => _fixture.Get<IPracticeKeyService>();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task Protect_ThenUnprotect_ReturnsThePlaintextAndHidesIt()
    {
        var practice = await NewPracticeWithKeyAsync();

        var protectedName = await Protector.ProtectAsync(practice, Name, "Jordan Ellis", Ct);

        Assert.DoesNotContain("Jordan", protectedName, StringComparison.Ordinal);
        Assert.StartsWith("phi1.", protectedName, StringComparison.Ordinal);
        Assert.Equal("Jordan Ellis", await Protector.UnprotectAsync(practice, Name, protectedName, Ct));
    }

    [Fact]
    public async Task Protect_SameValueTwice_GivesDifferentCiphertexts()
    {
        var practice = await NewPracticeWithKeyAsync();

        var first = await Protector.ProtectAsync(practice, Name, "Jordan Ellis", Ct);
        var second = await Protector.ProtectAsync(practice, Name, "Jordan Ellis", Ct);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Unprotect_CopiedToAnotherRecordFieldOrPractice_Fails()
    {
        var practice = await NewPracticeWithKeyAsync();
        var other = await NewPracticeWithKeyAsync();
        var ciphertext = await Protector.ProtectAsync(practice, Name, "Jordan Ellis", Ct);

        await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.UnprotectAsync(practice, Name with { RecordId = "c-2" }, ciphertext, Ct).AsTask());
        await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.UnprotectAsync(practice, Name with { Field = "pronouns" }, ciphertext, Ct).AsTask());
        await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.UnprotectAsync(practice, Name with { RecordType = "note" }, ciphertext, Ct).AsTask());
        await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.UnprotectAsync(other, Name, ciphertext, Ct).AsTask());
    }

    [Fact]
    public async Task Unprotect_TamperedOrMalformed_FailsWithoutLeakingTheValue()
    {
        var practice = await NewPracticeWithKeyAsync();
        var ciphertext = await Protector.ProtectAsync(practice, Name, "Jordan Ellis", Ct);
        var bytes = Convert.FromBase64String(ciphertext["phi1.".Length..]);
        bytes[15] ^= 0x01;
        var tampered = "phi1." + Convert.ToBase64String(bytes);

        var ex = await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.UnprotectAsync(practice, Name, tampered, Ct).AsTask());
        await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.UnprotectAsync(practice, Name, "Jordan Ellis", Ct).AsTask());
        await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.UnprotectAsync(practice, Name, "phi1.!!!", Ct).AsTask());
        await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.UnprotectAsync(practice, Name, "phi1.AAAA", Ct).AsTask());
        Assert.DoesNotContain("Jordan", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DestroyKey_MakesEveryValueOfThatPracticeUnreadable_AndOnlyThatPractice()
    {
        var practice = await NewPracticeWithKeyAsync();
        var other = await NewPracticeWithKeyAsync();
        var mine = await Protector.ProtectAsync(practice, Name, "Jordan Ellis", Ct);
        var theirs = await Protector.ProtectAsync(other, Name, "Sam Okafor", Ct);

        await Keys.DestroyAsync(practice, Ct);

        await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.UnprotectAsync(practice, Name, mine, Ct).AsTask());
        await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.ProtectAsync(practice, Name, "new", Ct).AsTask());
        Assert.Equal("Sam Okafor", await Protector.UnprotectAsync(other, Name, theirs, Ct));
        var stored = await _fixture.Get<IPracticeKeyRepository>().GetAsync(practice, Ct);
        Assert.Equal(string.Empty, stored!.WrappedKey);
        Assert.NotNull(stored.DestroyedAt);
    }

    [Fact]
    public async Task Protect_PracticeWithoutKey_Fails()
    {
        await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.ProtectAsync(PracticeId.New(), Name, "x", Ct).AsTask());
    }

    [Fact]
    public async Task MasterKeyRotation_RewrapsEveryKey_AndOldCiphertextsStillDecrypt()
    {
        var practice = await NewPracticeWithKeyAsync();
        var ciphertext = await Protector.ProtectAsync(practice, Name, "Jordan Ellis", Ct);
        var oldKey = (await _fixture.Get<IPracticeKeyRepository>().GetAsync(practice, Ct))!;

        // The same database, reopened with a new current master key and the old one as "previous".
        var oldMaster = _fixture.Get<IConfiguration>()["Plexura:Security:MasterKey"]!;
        await using var rotated = BuildProvider(new()
        {
            ["Plexura:Security:MasterKey"] = TestConfiguration.NewMasterKey(),
            ["Plexura:Security:MasterKeyId"] = "master-2",
            ["Plexura:Security:PreviousMasterKeys:master-1"] = oldMaster,
        });
        var rewrapped = await rotated.GetRequiredService<IPracticeKeyService>().RewrapAllAsync(Ct);

        Assert.True(rewrapped >= 1);
        var newKey = (await rotated.GetRequiredService<IPracticeKeyRepository>().GetAsync(practice, Ct))!;
        Assert.Equal("master-2", newKey.MasterKeyId);
        Assert.NotEqual(oldKey.WrappedKey, newKey.WrappedKey);

        // Once re-wrapped, the old master key is no longer needed.
        await using var withoutOld = BuildProvider(new() { ["Plexura:Security:MasterKey"] = rotated.GetRequiredService<IConfiguration>()["Plexura:Security:MasterKey"], ["Plexura:Security:MasterKeyId"] = "master-2" });
        Assert.Equal("Jordan Ellis", await withoutOld.GetRequiredService<IPhiProtector>().UnprotectAsync(practice, Name, ciphertext, Ct));
    }

    [Fact]
    public async Task Unprotect_WithTheWrongMasterKey_Fails()
    {
        var practice = await NewPracticeWithKeyAsync();
        var ciphertext = await Protector.ProtectAsync(practice, Name, "Jordan Ellis", Ct);

        await using var stranger = BuildProvider(new() { ["Plexura:Security:MasterKey"] = TestConfiguration.NewMasterKey() });

        await Assert.ThrowsAsync<PhiUnreadableException>(() =>
            stranger.GetRequiredService<IPhiProtector>().UnprotectAsync(practice, Name, ciphertext, Ct).AsTask());
    }

    private async Task<PracticeId> NewPracticeWithKeyAsync()
    {
        var practice = PracticeId.New();
        await _fixture.Get<Core.Practices.IPracticeRepository>().AddAsync(practice, new Core.Practices.Practice(practice, "P", DateTimeOffset.UnixEpoch), Ct);
        await Keys.CreateAsync(practice, Ct);
        return practice;
    }

    private ServiceProvider BuildProvider(Dictionary<string, string?> security)
    {
        security["Plexura:Storage:Provider"] = "Sqlite";
        security["Plexura:Storage:SqlitePath"] = _fixture.DatabasePath;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(security).Build();
        return new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddPlexuraCore()
            .AddPlexuraInfrastructure(configuration, Path.GetTempPath())
            .AddNoteEvidenceFakes()
            .BuildServiceProvider();
    }
}
