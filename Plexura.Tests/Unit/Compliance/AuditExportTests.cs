using System.Security.Cryptography;
using System.Text;
using Plexura.Core.Auditing;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Export;
using Plexura.Tests.Fakes;

namespace Plexura.Tests.Unit.Compliance;

/// <summary>The export file format, the manifest's canonical form and the offline verifier, without a database.</summary>
public sealed class AuditExportTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly InMemoryAuditStore _store = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly PracticeId _practice = PracticeId.New();

    public void Dispose() => _key.Dispose();

    [Theory]
    [InlineData(AuditExportFormat.Csv)]
    [InlineData(AuditExportFormat.Jsonl)]
    public async Task Codec_AwkwardFields_ReadBackExactlyAndHashesStillMatch(AuditExportFormat format)
    {
        await SeedAsync(_practice, 3);
        await RecordAsync(_practice, "=HYPERLINK(\"http://x\")", string.Empty, "a \"quoted\", comma\r\nand newline", "'apostrophe", "Zoë – ünïcode", new Dictionary<string, string> { ["z"] = "-1", ["a"] = "x,\"y\"" });
        await RecordAsync(_practice, null, null, null, null, null, null);

        var (bytes, _) = await ExportAsync(_practice, AuditExportFilter.None, format);
        var read = await ReadAllAsync(bytes, format);

        Assert.Equal(_store.Events.Count, read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            var expected = _store.Events[i];
            var actual = read[i];
            var none = new Dictionary<string, string>();
            Assert.Equal(expected with { Details = none }, actual with { Details = none });
            Assert.Equal(expected.Details.OrderBy(p => p.Key), actual.Details.OrderBy(p => p.Key));
            Assert.True(AuditHasher.HashEquals(actual, expected.Hash));
        }
    }

    /// <summary>
    /// The exact bytes of both formats for fixed events (awkward values, null and empty fields, unsorted details, a
    /// sub-millisecond time): the export format is a contract with auditors' tools, so a faster writer must not move a byte.
    /// </summary>
    [Theory]
    [InlineData(AuditExportFormat.Csv, "60b4fde57930b0411651d690dd371af80228bf1f2d2c4bf2a843f75a00918c31")]
    [InlineData(AuditExportFormat.Jsonl, "2bd0d5f4e8f3fbbe8e55140258f93f69b03650ae6f7b2eeba508ec2984086ccb")]
    public async Task Codec_FixedEvents_WriteExactlyTheKnownBytes(AuditExportFormat format, string sha256)
    {
        var store = new InMemoryAuditStore();
        var practice = new PracticeId(Guid.Parse("0190a5e2-7b1c-7d3e-8f40-123456789abc"));
        var time = new DateTimeOffset(2026, 3, 14, 15, 9, 26, 535, TimeSpan.Zero).AddTicks(8979);
        AuditEvent[] events =
        [
            new(Guid.Parse("0190a5e2-7b1c-7d3e-8f40-000000000001"), practice, 1, time, new UserId(Guid.Parse("0190a5e2-7b1c-7d3e-8f40-0000000000aa")),
                "=HYPERLINK(\"http://x\")", string.Empty, "a \"quoted\", comma\r\nand newline", AuditAction.PhiViewed, "'apostrophe", "Zoë – ünïcode <b>&amp;</b>",
                "c-1", AuditResult.Denied, new Dictionary<string, string> { ["z"] = "-1", ["a"] = "x,\"y\"", ["é"] = "\u0001\t" }, new string('0', 64), new string('a', 64)),
            new(Guid.Parse("0190a5e2-7b1c-7d3e-8f40-000000000002"), practice, 2, time.AddDays(1), null, null, null, null, AuditAction.SignIn, null, null, null,
                AuditResult.Success, new Dictionary<string, string>(), new string('a', 64), new string('b', 64)),
        ];
        foreach (var e in events)
        {
            await store.AppendAsync(practice, _ => e, Ct);
        }

        using var output = new MemoryStream();
        await AuditExportStreamer.WriteAsync(store, practice, new AuditQuery(), format, output, Ct);

        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(output.ToArray())));
    }

    [Fact]
    public async Task Csv_FormulaLikeValues_AreDefusedWithAnApostrophe()
    {
        await RecordAsync(_practice, "=cmd|' /C calc'!A0", "+1", "@SUM(1)", "-2", null, null);

        var (bytes, _) = await ExportAsync(_practice, AuditExportFilter.None, AuditExportFormat.Csv);
        var text = Encoding.UTF8.GetString(bytes);

        Assert.Contains("\"'=cmd|' /C calc'!A0\"", text, StringComparison.Ordinal);
        Assert.Contains("\"'+1\"", text, StringComparison.Ordinal);
        Assert.Contains("\"'@SUM(1)\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(",=", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_CanonicalForm_LeavesOutTheSignatureAndRoundTrips()
    {
        var manifest = SampleManifest();
        var signed = Sign(manifest);

        Assert.Equal(Sign(manifest with { Signature = null }).CanonicalBytes(), signed.CanonicalBytes());
        Assert.DoesNotContain("signature", Encoding.UTF8.GetString(signed.CanonicalBytes()), StringComparison.Ordinal);
        var parsed = AuditExportManifest.Parse(signed.ToJson());
        Assert.Equal(signed.CanonicalBytes(), parsed.CanonicalBytes());
        Assert.Equal(signed.Signature, parsed.Signature);
        Assert.True(AuditSignatures.Verify(parsed.PublicKey.PublicKeyPem, parsed.CanonicalBytes(), parsed.Signature!));
    }

    [Fact]
    public void Manifest_CanonicalForm_ChangesWithEveryField()
    {
        var m = SampleManifest();
        var variants = new[]
        {
            m with { Count = m.Count + 1 },
            m with { FileSha256 = new string('a', 64) },
            m with { ChainHead = m.ChainHead with { Hash = new string('b', 64) } },
            m with { Filter = new Dictionary<string, string> { ["result"] = "Denied" } },
            m with { PracticeId = PracticeId.New() },
            m with { LastSequence = 99 },
            m with { ExportedBy = m.ExportedBy with { Email = "other@example.com" } },
        };

        foreach (var variant in variants)
        {
            Assert.NotEqual(m.CanonicalBytes(), variant.CanonicalBytes());
        }
    }

    [Theory]
    [InlineData(AuditExportFormat.Csv)]
    [InlineData(AuditExportFormat.Jsonl)]
    public async Task Verify_IntactFullExport_RecomputesTheChainToTheHead(AuditExportFormat format)
    {
        await SeedAsync(_practice, 40);
        var (bytes, manifest) = await ExportAsync(_practice, AuditExportFilter.None, format);

        var report = await VerifyAsync(bytes, manifest.ToJson(), new AuditExportPins(manifest.PublicKey.KeyId, _practice));

        Assert.True(report.IsValid, report.Problem);
        Assert.Contains(report.Checks, c => c.Contains("Hash chain recomputed", StringComparison.Ordinal));
        Assert.Equal(40, manifest.ChainHead.Sequence);
    }

    [Fact]
    public async Task Verify_TamperedFile_IsRefusedByItsHash()
    {
        await SeedAsync(_practice, 10);
        var (bytes, manifest) = await ExportAsync(_practice, AuditExportFilter.None, AuditExportFormat.Csv);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("Success", "Denied", StringComparison.Ordinal));

        var report = await VerifyAsync(tampered, manifest.ToJson(), new AuditExportPins());

        Assert.False(report.IsValid);
        Assert.Contains("SHA-256", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TamperedFileWithManifestHashEdited_IsRefusedBySignature()
    {
        await SeedAsync(_practice, 10);
        var (bytes, manifest) = await ExportAsync(_practice, AuditExportFilter.None, AuditExportFormat.Jsonl);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("Success", "Denied", StringComparison.Ordinal));
        var forged = manifest with { FileSha256 = Convert.ToHexStringLower(SHA256.HashData(tampered)) };

        var report = await VerifyAsync(tampered, forged.ToJson(), new AuditExportPins());

        Assert.False(report.IsValid);
        Assert.Contains("signature does not verify", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ManifestResignedWithAnotherKey_IsRefusedWhenTheKeyIsPinned()
    {
        await SeedAsync(_practice, 10);
        var (bytes, manifest) = await ExportAsync(_practice, AuditExportFilter.None, AuditExportFormat.Csv);
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = Sign(manifest with { Count = 10 }, forger);

        var unpinned = await VerifyAsync(bytes, forged.ToJson(), new AuditExportPins());
        var pinned = await VerifyAsync(bytes, forged.ToJson(), new AuditExportPins(manifest.PublicKey.KeyId));

        Assert.Contains(unpinned.Warnings, w => w.Contains("anyone can sign", StringComparison.Ordinal));
        Assert.False(pinned.IsValid);
        Assert.Contains("not by the expected key", pinned.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ManifestOfAnotherPracticesExport_IsRefused()
    {
        var other = PracticeId.New();
        await SeedAsync(_practice, 5);
        await SeedAsync(other, 5);
        var (bytes, _) = await ExportAsync(_practice, AuditExportFilter.None, AuditExportFormat.Csv);
        var (_, otherManifest) = await ExportAsync(other, AuditExportFilter.None, AuditExportFormat.Csv);

        var report = await VerifyAsync(bytes, otherManifest.ToJson(), new AuditExportPins());
        var pinned = await VerifyAsync(bytes, otherManifest.ToJson(), new AuditExportPins(ExpectedPracticeId: _practice));

        Assert.False(report.IsValid);
        Assert.Contains("another export", report.Problem, StringComparison.Ordinal);
        Assert.Contains("another practice", pinned.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EventRewrittenAndRehashedWithManifestOfThatFile_IsRefusedByTheChain()
    {
        // Someone with the key re-signs a manifest over a file whose event 3 was rewritten and rehashed: the link breaks.
        await SeedAsync(_practice, 6);
        var events = _store.Events.ToList();
        var rewritten = events[2] with { Result = AuditResult.Denied };
        _store.Events[2] = rewritten with { Hash = AuditHasher.ComputeHash(rewritten) };
        var (bytes, manifest) = await ExportAsync(_practice, AuditExportFilter.None, AuditExportFormat.Jsonl, head: new AuditChainHeadSnapshot(6, events[5].Hash, events[5].Timestamp));

        var report = await VerifyAsync(bytes, manifest.ToJson(), new AuditExportPins());

        Assert.False(report.IsValid);
        Assert.Contains("Event 4 does not link", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_FilteredExport_ChecksEachEventButNotTheLinks()
    {
        await SeedAsync(_practice, 12);
        var filter = new AuditExportFilter(Actions: [AuditAction.SignIn]);
        var (bytes, manifest) = await ExportAsync(_practice, filter, AuditExportFormat.Csv);

        var report = await VerifyAsync(bytes, manifest.ToJson(), new AuditExportPins());

        Assert.True(report.IsValid, report.Problem);
        Assert.Equal("SignIn", manifest.Filter["actions"]);
        Assert.Contains(report.Warnings, w => w.Contains("filtered export", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_NotAManifest_IsRefusedClearly()
    {
        var report = await VerifyAsync([], "{\"hello\": 1}", new AuditExportPins());

        Assert.False(report.IsValid);
        Assert.Contains("not a Plexura audit export manifest", report.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-02-01", "2026-01-01")]
    [InlineData("1900-01-01", null)]
    public void Filter_AbsurdRange_IsRefused(string from, string? to)
    {
        var filter = new AuditExportFilter(DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), to is null ? null : DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Throws<ValidationFailedException>(filter.Validate);
    }

    [Fact]
    public void Filter_TenThousandActions_IsRefused()
    {
        var filter = new AuditExportFilter(Actions: [.. Enumerable.Repeat(AuditAction.SignIn, 10_000)]);

        Assert.Throws<ValidationFailedException>(filter.Validate);
    }

    private async Task SeedAsync(PracticeId practice, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await new AuditLog(_store, TimeProvider.System).RecordAsync(
                new AuditEntry(practice, new AuditActor(UserId.New(), $"m{i}@example.com"), "10.0.0.1", "UA", i % 3 == 0 ? AuditAction.SignIn : AuditAction.PhiViewed,
                    "client", Guid.NewGuid().ToString(), null, AuditResult.Success, new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
                Ct);
        }
    }

    private Task<AuditEvent> RecordAsync(PracticeId practice, string? email, string? ip, string? agent, string? targetId, string? clientId, Dictionary<string, string>? details) =>
        new AuditLog(_store, TimeProvider.System).RecordAsync(
            new AuditEntry(practice, new AuditActor(null, email), ip, agent, AuditAction.Exported, "audit-log", targetId, clientId, AuditResult.Failed, details), Ct);

    private async Task<(byte[] Bytes, AuditExportManifest Manifest)> ExportAsync(
        PracticeId practice, AuditExportFilter filter, AuditExportFormat format, AuditChainHeadSnapshot? head = null)
    {
        head ??= await new AuditChainHeadReader(_store).ReadAsync(practice, Ct);
        using var output = new MemoryStream();
        var summary = await AuditExportStreamer.WriteAsync(_store, practice, filter.ToQuery() with { BeforeSequence = head.Sequence + 1 }, format, output, Ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(output.ToArray())), summary.Sha256);
        var manifest = new AuditExportManifest(
            AuditExportManifest.CurrentFormat, Guid.CreateVersion7().ToString(), practice, AuditExportCodec.Extension(format), filter.Describe(),
            summary.Count, summary.FirstSequence, summary.LastSequence, head, summary.Sha256, new AuditExportActor(UserId.New(), "owner@example.com"),
            DateTimeOffset.UtcNow, new AuditPublicKey("x", "x"), null);
        return (output.ToArray(), Sign(manifest));
    }

    private static async Task<List<AuditEvent>> ReadAllAsync(byte[] bytes, AuditExportFormat format)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8);
        var events = new List<AuditEvent>();
        await foreach (var e in AuditExportCodec.ReadAsync(reader, format, Ct))
        {
            events.Add(e);
        }

        return events;
    }

    private static Task<AuditExportVerification> VerifyAsync(byte[] file, string manifest, AuditExportPins pins) =>
        AuditExportVerifier.VerifyAsync(() => new MemoryStream(file), manifest, pins, Ct);

    private AuditExportManifest SampleManifest() => new(
        AuditExportManifest.CurrentFormat, Guid.CreateVersion7().ToString(), _practice, "csv", new Dictionary<string, string>(), 3, 1, 3,
        new AuditChainHeadSnapshot(3, new string('c', 64), DateTimeOffset.UtcNow), new string('d', 64),
        new AuditExportActor(UserId.New(), "owner@example.com"), DateTimeOffset.UtcNow, new AuditPublicKey("x", "x"), null);

    private AuditExportManifest Sign(AuditExportManifest manifest) => Sign(manifest, _key);

    private static AuditExportManifest Sign(AuditExportManifest manifest, ECDsa key)
    {
        var publicKey = new AuditPublicKey(AuditSignatures.KeyIdOf(key.ExportSubjectPublicKeyInfo()), key.ExportSubjectPublicKeyInfoPem());
        var unsigned = manifest with { PublicKey = publicKey, Signature = null };
        var signature = key.SignData(unsigned.CanonicalBytes(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return unsigned with { Signature = new AuditSignature(publicKey.KeyId, AuditSignatures.Algorithm, Convert.ToBase64String(signature)) };
    }
}
