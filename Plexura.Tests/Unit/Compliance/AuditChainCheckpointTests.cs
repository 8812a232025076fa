using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Plexura.Core.Auditing;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Checkpoints;
using Plexura.Tests.Fakes;

namespace Plexura.Tests.Unit.Compliance;

/// <summary>The verifier's checkpoints, its parallel ranges (same report as one-by-one), progress, and the signed block.</summary>
public sealed class AuditChainCheckpointTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly PracticeId Practice = PracticeId.New();

    private readonly InMemoryAuditStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    private AuditChainVerifier Verifier => new(_store);

    [Fact]
    public async Task Verify_RewriteWithEveryLaterHashRecomputed_PassesWithoutCheckpoint_FailsAtTheCheckpoint()
    {
        await RecordManyAsync(10);
        var checkpoint = new AuditChainCheckpoint(8, _store.Events[7].Hash);
        RewriteFrom(4);

        Assert.True((await Verifier.VerifyAsync(Practice, Ct)).IsValid);
        var report = await Verifier.VerifyAsync(Practice, [checkpoint], null, Ct);

        Assert.False(report.IsValid);
        Assert.Equal(8, report.FirstBrokenSequence);
        Assert.Equal(8, report.EventsChecked);
        Assert.Contains("checkpoint", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CheckpointBeforeTheRewrite_StillHolds()
    {
        await RecordManyAsync(10);
        var checkpoint = new AuditChainCheckpoint(3, _store.Events[2].Hash);
        RewriteFrom(4);

        var report = await Verifier.VerifyAsync(Practice, [checkpoint], null, Ct);

        Assert.True(report.IsValid, report.Problem);
        Assert.Equal(1, report.CheckpointsChecked);
    }

    [Fact]
    public async Task Verify_ChainCutShorterThanACheckpoint_IsBroken()
    {
        await RecordManyAsync(6);
        var checkpoint = new AuditChainCheckpoint(6, _store.Events[5].Hash);
        _store.Events.RemoveRange(4, 2);

        var report = await Verifier.VerifyAsync(Practice, [checkpoint], null, Ct);

        Assert.False(report.IsValid);
        Assert.Equal(5, report.FirstBrokenSequence);
        Assert.Contains("removed from the end", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EventsArchivedThroughASignedHead_ChecksFromTheNextEvent()
    {
        await RecordManyAsync(40_000);
        var archivedHead = new AuditChainCheckpoint(30_000, _store.Events[29_999].Hash);
        var later = new AuditChainCheckpoint(35_000, _store.Events[34_999].Hash);
        var older = new AuditChainCheckpoint(10, _store.Events[9].Hash);
        _store.Events.RemoveRange(0, 30_000);
        var progress = new AuditChainProgress();

        var report = await Verifier.VerifyAsync(Practice, [older, archivedHead, later], [archivedHead], progress, Ct);

        Assert.True(report.IsValid, report.Problem);
        Assert.Equal(10_000, report.EventsChecked);
        Assert.Equal(30_000, report.ArchivedThrough);
        Assert.Equal(2, report.CheckpointsChecked);
        Assert.Equal(10_000, progress.EventsTotal);
    }

    [Fact]
    public async Task Verify_EventsRemovedFromTheStart_WithoutAMatchingArchiveStart_AreMissing()
    {
        await RecordManyAsync(20);
        var elsewhere = new AuditChainCheckpoint(5, _store.Events[4].Hash);
        _store.Events.RemoveRange(0, 8);

        // No archive start, or one that is not where the remaining chain begins: the start is missing.
        foreach (var starts in new[] { Array.Empty<AuditChainCheckpoint>(), [elsewhere] })
        {
            var report = await Verifier.VerifyAsync(Practice, [], starts, null, Ct);

            Assert.False(report.IsValid);
            Assert.Equal(1, report.FirstBrokenSequence);
            Assert.Null(report.ArchivedThrough);
            Assert.Contains("missing", report.Problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Verify_ArchiveStartWhoseHashTheNextEventDoesNotLinkTo_IsNotAStart()
    {
        await RecordManyAsync(20);
        var forged = new AuditChainCheckpoint(8, new string('a', 64));
        _store.Events.RemoveRange(0, 8);

        var report = await Verifier.VerifyAsync(Practice, [], [forged], null, Ct);

        Assert.False(report.IsValid);
        Assert.Equal(1, report.FirstBrokenSequence);
    }

    [Fact]
    public async Task Verify_AfterAnArchiveStart_ARewriteIsStillFound()
    {
        await RecordManyAsync(20);
        var archivedHead = new AuditChainCheckpoint(8, _store.Events[7].Hash);
        _store.Events.RemoveRange(0, 8);
        var events = _store.Events;
        events[3] = events[3] with { ActorEmail = "forger@example.com" };

        var report = await Verifier.VerifyAsync(Practice, [], [archivedHead], null, Ct);

        Assert.False(report.IsValid);
        Assert.Equal(12, report.FirstBrokenSequence);
    }

    [Fact]
    public async Task Verify_LongChain_IsSplitInRanges_AndCountsProgress()
    {
        await RecordManyAsync(40_000);
        var progress = new AuditChainProgress();

        var report = await Verifier.VerifyAsync(Practice, [new AuditChainCheckpoint(25_000, _store.Events[24_999].Hash)], progress, Ct);

        Assert.Equal(new AuditChainReport(true, 40_000, null, null) { CheckpointsChecked = 1 }, report);
        Assert.Equal(40_000, progress.EventsChecked);
        Assert.Equal(40_000, progress.EventsTotal);
    }

    [Theory]
    [InlineData(20_001, "altered")]
    [InlineData(30_000, "altered")]
    [InlineData(2, "altered")]
    [InlineData(40_000, "altered")]
    public async Task Verify_LongChain_AlteredAnywhere_ReportsThatSequenceAsOneByOne(int sequence, string problem)
    {
        await RecordManyAsync(40_000);
        _store.Events[sequence - 1] = _store.Events[sequence - 1] with { ActorEmail = "someone-else@example.com" };

        var report = await Verifier.VerifyAsync(Practice, Ct);

        Assert.Equal((false, sequence, (long)sequence), (report.IsValid, report.FirstBrokenSequence, report.EventsChecked));
        Assert.Contains(problem, report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_LongChain_LinkBrokenAtARangeBoundary_ReportsTheLink()
    {
        await RecordManyAsync(40_000);
        var forged = _store.Events[20_000] with { PreviousHash = new string('0', 64) };
        _store.Events[20_000] = forged with { Hash = AuditHasher.ComputeHash(forged) };

        var report = await Verifier.VerifyAsync(Practice, Ct);

        Assert.Equal((20_001L, 20_001L), (report.FirstBrokenSequence!.Value, report.EventsChecked));
        Assert.Contains("previous-hash", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_LongChain_EventsRemovedAcrossARangeBoundary_ReportsTheFirstMissing()
    {
        await RecordManyAsync(40_000);
        _store.Events.RemoveRange(19_989, 30);

        var report = await Verifier.VerifyAsync(Practice, Ct);

        Assert.Equal(19_990, report.FirstBrokenSequence);
        Assert.Equal(19_990, report.EventsChecked);
        Assert.Equal("Expected sequence 19990 but found 20020: events are missing.", report.Problem);
    }

    [Fact]
    public void Block_SignedAndPasted_ParsesAndVerifies_EvenWhenAMailClientQuotesIt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var block = SignedBlock(key, Practice, 42);
        var quoted = string.Join("\r\n", block.Split('\n').Select(l => "> " + l));

        var claim = CheckpointBlock.Parse("Forwarded:\r\n" + quoted);

        Assert.Equal((Practice, 42L), (claim.PracticeId, claim.Sequence));
        Assert.True(CheckpointBlock.Verify(claim, key.ExportSubjectPublicKeyInfoPem()));
    }

    [Fact]
    public void Block_SequenceOrHashChanged_FailsTheSignature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var block = SignedBlock(key, Practice, 42);

        var moved = CheckpointBlock.Parse(block.Replace("Sequence: 42", "Sequence: 41", StringComparison.Ordinal));
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.False(CheckpointBlock.Verify(moved, key.ExportSubjectPublicKeyInfoPem()));
        Assert.False(CheckpointBlock.Verify(CheckpointBlock.Parse(block), otherKey.ExportSubjectPublicKeyInfoPem()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("-----BEGIN PLEXURA AUDIT CHECKPOINT-----\nFormat: plexura-audit-checkpoint-v1\n-----END PLEXURA AUDIT CHECKPOINT-----")]
    public void Block_Malformed_IsRefusedWithAReason(string text)
    {
        var e = Assert.Throws<ValidationFailedException>(() => CheckpointBlock.Parse(text));

        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    private static string SignedBlock(ECDsa key, PracticeId practice, long sequence)
    {
        var at = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        var text = CheckpointBlock.SignedText(practice, sequence, new string('a', 64), at, at);
        var signature = key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var keyId = AuditSignatures.KeyIdOf(key.ExportSubjectPublicKeyInfo());
        return CheckpointBlock.Write(text, new AuditSignature(keyId, AuditSignatures.Algorithm, Convert.ToBase64String(signature)));
    }

    /// <summary>What someone with write access to the database can do: change an event and recompute every later hash.</summary>
    private void RewriteFrom(int sequence)
    {
        var previous = _store.Events[sequence - 2].Hash;
        for (var i = sequence - 1; i < _store.Events.Count; i++)
        {
            var e = _store.Events[i] with { PreviousHash = previous };
            if (i == sequence - 1)
            {
                e = e with { ActorEmail = "forger@example.com" };
            }

            _store.Events[i] = e with { Hash = AuditHasher.ComputeHash(e) };
            previous = _store.Events[i].Hash;
        }
    }

    private async Task RecordManyAsync(int count)
    {
        var log = new AuditLog(_store, _time);
        for (var i = 0; i < count; i++)
        {
            await log.RecordAsync(
                new AuditEntry(Practice, new AuditActor(UserId.New(), "dana@example.com"), "198.51.100.4", "Firefox", AuditAction.PhiViewed,
                    "client", $"t-{i}", null, AuditResult.Success, new Dictionary<string, string> { ["n"] = $"{i}" }), Ct);
        }
    }
}
