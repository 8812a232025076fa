using Microsoft.Extensions.Time.Testing;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Tests.Fakes;

namespace Plexura.Tests.Unit.Auditing;

public sealed class AuditLogTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly PracticeId Practice = PracticeId.New();

    private readonly InMemoryAuditStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, 123, TimeSpan.Zero).AddTicks(4567));

    private AuditLog Log => new(_store, _time);

    [Fact]
    public async Task Record_UsesTimeProviderTruncatedToMilliseconds()
    {
        var e = await Log.RecordAsync(Entry(), Ct);

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 0, 0, 123, TimeSpan.Zero), e.Timestamp);
    }

    [Fact]
    public async Task Record_StoresEveryFieldOfTheEntry()
    {
        var actor = new AuditActor(UserId.New(), "dana@example.com");

        var e = await Log.RecordAsync(
            new AuditEntry(Practice, actor, "198.51.100.4", "Firefox", AuditAction.Exported, "client", "t-1", "c-1", AuditResult.Denied,
                new Dictionary<string, string> { ["format"] = "pdf" }), Ct);

        Assert.Equal((actor.UserId, actor.Email, "198.51.100.4", "Firefox"), (e.ActorUserId, e.ActorEmail, e.SourceIp, e.UserAgent));
        Assert.Equal((AuditAction.Exported, "client", "t-1", "c-1", AuditResult.Denied), (e.Action, e.TargetType, e.TargetId, e.ClientId, e.Result));
        Assert.Equal("pdf", e.Details["format"]);
        Assert.Equal(AuditHasher.ComputeHash(e), e.Hash);
    }

    [Fact]
    public async Task Record_TooManyDetails_IsRefusedAndNothingStored()
    {
        var details = Enumerable.Range(0, AuditLog.MaxDetails + 1).ToDictionary(i => $"k{i}", i => "v");

        await Assert.ThrowsAsync<ValidationFailedException>(() => Log.RecordAsync(Entry() with { Details = details }, Ct));

        Assert.Empty(_store.Events);
    }

    [Fact]
    public async Task Record_OverlongDetailValue_IsRefused()
    {
        var details = new Dictionary<string, string> { ["note"] = new('x', AuditLog.MaxDetailValueLength + 1) };

        await Assert.ThrowsAsync<ValidationFailedException>(() => Log.RecordAsync(Entry() with { Details = details }, Ct));
    }

    [Fact]
    public async Task Hash_ChangesWhenAnyFieldChanges()
    {
        var e = await Log.RecordAsync(Entry(), Ct);
        var variants = new[]
        {
            e with { Id = Guid.NewGuid() },
            e with { PracticeId = PracticeId.New() },
            e with { Sequence = 2 },
            e with { Timestamp = e.Timestamp.AddMilliseconds(1) },
            e with { ActorUserId = UserId.New() },
            e with { ActorEmail = "other@example.com" },
            e with { SourceIp = "10.0.0.1" },
            e with { UserAgent = "curl" },
            e with { Action = AuditAction.Deleted },
            e with { TargetType = "note" },
            e with { TargetId = "t-2" },
            e with { ClientId = "c-9" },
            e with { Result = AuditResult.Failed },
            e with { Details = new Dictionary<string, string> { ["reason"] = "other" } },
            e with { PreviousHash = new string('1', 64) },
        };

        Assert.All(variants, v => Assert.NotEqual(e.Hash, AuditHasher.ComputeHash(v)));
        Assert.Equal(variants.Length, variants.Select(AuditHasher.ComputeHash).Distinct().Count());
    }

    [Fact]
    public async Task Hash_NullAndEmptyAndFieldBoundaries_AreDistinct()
    {
        var e = await Log.RecordAsync(Entry(), Ct);

        var nullEmail = AuditHasher.ComputeHash(e with { ActorEmail = null });
        var emptyEmail = AuditHasher.ComputeHash(e with { ActorEmail = string.Empty });
        var shifted = AuditHasher.ComputeHash(e with { TargetType = "clientt", TargetId = "-1" });
        var original = AuditHasher.ComputeHash(e with { TargetType = "client", TargetId = "t-1" });

        Assert.NotEqual(nullEmail, emptyEmail);
        Assert.NotEqual(shifted, original);
    }

    [Fact]
    public async Task Hash_DetailOrder_DoesNotMatter()
    {
        var e = await Log.RecordAsync(Entry(), Ct);

        var ab = AuditHasher.ComputeHash(e with { Details = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } });
        var ba = AuditHasher.ComputeHash(e with { Details = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" } });

        Assert.Equal(ab, ba);
    }

    [Fact]
    public async Task Verify_IntactChain_IsValid()
    {
        await RecordManyAsync(5);

        var report = await new AuditChainVerifier(_store).VerifyAsync(Practice, Ct);

        Assert.Equal(new AuditChainReport(true, 5, null, null), report);
    }

    [Fact]
    public async Task Verify_EventRemoved_ReportsTheGap()
    {
        await RecordManyAsync(5);
        _store.Events.RemoveAt(2);

        var report = await new AuditChainVerifier(_store).VerifyAsync(Practice, Ct);

        Assert.Equal(3, report.FirstBrokenSequence);
        Assert.Contains("missing", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_LastEventRemoved_StillValidPrefix_ButFirstRemovedIsCaught()
    {
        await RecordManyAsync(3);
        _store.Events.RemoveAt(0);

        var report = await new AuditChainVerifier(_store).VerifyAsync(Practice, Ct);

        Assert.Equal(1, report.FirstBrokenSequence);
    }

    [Fact]
    public async Task Verify_TailRewrittenWithValidHashes_BreaksAtTheLink()
    {
        await RecordManyAsync(4);
        var forged = _store.Events[2] with { ActorEmail = "forger@example.com", PreviousHash = new string('0', 64) };
        _store.Events[2] = forged with { Hash = AuditHasher.ComputeHash(forged) };

        var report = await new AuditChainVerifier(_store).VerifyAsync(Practice, Ct);

        Assert.Equal(3, report.FirstBrokenSequence);
        Assert.Contains("previous-hash", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_FieldAltered_ReportsThatSequence()
    {
        await RecordManyAsync(6);
        _store.Events[3] = _store.Events[3] with { Result = AuditResult.Success, ClientId = "someone-else" };

        var report = await new AuditChainVerifier(_store).VerifyAsync(Practice, Ct);

        Assert.Equal(4, report.FirstBrokenSequence);
        Assert.Contains("altered", report.Problem, StringComparison.Ordinal);
    }

    private async Task RecordManyAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Log.RecordAsync(Entry(), Ct);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private static AuditEntry Entry() =>
        new(Practice, new AuditActor(UserId.New(), "a@example.com"), "203.0.113.1", "UA", AuditAction.PhiViewed, "client", "t-1", "c-1",
            AuditResult.Success, new Dictionary<string, string> { ["reason"] = "view" });
}
