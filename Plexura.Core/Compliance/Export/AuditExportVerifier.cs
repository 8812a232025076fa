using System.Security.Cryptography;
using System.Text;
using Plexura.Core.Auditing;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Common;

namespace Plexura.Core.Compliance.Export;

/// <summary>What an auditor pins the check to, beyond the manifest itself.</summary>
/// <param name="ExpectedKeyId">The key id shown on the practice's exports page (or in an earlier manifest); null to trust the manifest's key.</param>
/// <param name="ExpectedPracticeId">The practice the export must belong to; null to accept the manifest's practice.</param>
public sealed record AuditExportPins(string? ExpectedKeyId = null, PracticeId? ExpectedPracticeId = null);

/// <summary>The verdict of <see cref="AuditExportVerifier"/>.</summary>
/// <param name="IsValid">True when every check passed.</param>
/// <param name="Checks">What was checked and passed, in order, for the report.</param>
/// <param name="Problem">Why the export was refused, or null.</param>
/// <param name="Warnings">Things the auditor must check by hand (an unpinned key).</param>
public sealed record AuditExportVerification(bool IsValid, IReadOnlyList<string> Checks, string? Problem, IReadOnlyList<string> Warnings);

/// <summary>Checks an export file against its manifest, offline: the signature, the file's hash and the events inside.</summary>
/// <remarks>
/// In order: the manifest is one this version reads; its ES256 signature verifies with the public key it carries
/// (and that key is the pinned one when a key id is given); the practice is the pinned one; the file's SHA-256 is the
/// manifest's; every event belongs to the manifest's practice, in increasing sequence order, and hashes to its stored
/// hash (<see cref="AuditHasher"/>); count, first and last sequence numbers agree with the manifest. For a full-range
/// export (no filter, from sequence 1) the chain itself is recomputed from genesis: each event must link to the one
/// before, and the last must be the manifest's chain head.
/// </remarks>
public static class AuditExportVerifier
{
    /// <summary>Verifies the file that <paramref name="openFile"/> opens (it is read twice) against <paramref name="manifestJson"/>.</summary>
    public static async Task<AuditExportVerification> VerifyAsync(
        Func<Stream> openFile, string manifestJson, AuditExportPins pins, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(openFile);
        ArgumentNullException.ThrowIfNull(manifestJson);
        ArgumentNullException.ThrowIfNull(pins);
        var checks = new List<string>();
        var warnings = new List<string>();
        AuditExportVerification Fail(string problem) => new(false, checks, problem, warnings);

        AuditExportManifest manifest;
        try
        {
            manifest = AuditExportManifest.Parse(manifestJson);
        }
        catch (FormatException ex)
        {
            return Fail(ex.Message);
        }

        if (manifest.FormatVersion != AuditExportManifest.CurrentFormat || manifest.ParsedFileFormat is not { } format)
        {
            return Fail($"The manifest's format \"{manifest.FormatVersion}\" / \"{manifest.FileFormat}\" is not one this version can check.");
        }

        if (manifest.Signature is not { } signature)
        {
            return Fail("The manifest is not signed.");
        }

        if (!string.Equals(signature.KeyId, manifest.PublicKey.KeyId, StringComparison.Ordinal)
            || !AuditSignatures.Verify(manifest.PublicKey.PublicKeyPem, manifest.CanonicalBytes(), signature))
        {
            return Fail("The manifest's signature does not verify: the manifest was altered or forged.");
        }

        checks.Add($"Manifest signature valid (ES256, key {manifest.PublicKey.KeyId}).");
        if (pins.ExpectedKeyId is { } keyId)
        {
            if (!string.Equals(keyId.Trim(), manifest.PublicKey.KeyId, StringComparison.OrdinalIgnoreCase))
            {
                return Fail($"The manifest is signed by key {manifest.PublicKey.KeyId}, not by the expected key {keyId.Trim()}: it is forged or from another practice.");
            }

            checks.Add("Signing key is the expected one.");
        }
        else
        {
            warnings.Add($"Compare the key id {manifest.PublicKey.KeyId} with the one on the practice's exports page (or pass --key-id): anyone can sign a manifest with a key of their own.");
        }

        if (pins.ExpectedPracticeId is { } practice && practice != manifest.PracticeId)
        {
            return Fail($"The manifest is for practice {manifest.PracticeId}, not {practice}: it belongs to another practice's export.");
        }

        string sha;
        await using (var file = openFile())
        {
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
        }

        if (!string.Equals(sha, manifest.FileSha256, StringComparison.OrdinalIgnoreCase))
        {
            return Fail($"The file's SHA-256 is {sha} but the manifest says {manifest.FileSha256}: the file was altered, or the manifest is another export's.");
        }

        checks.Add($"File SHA-256 matches ({sha}).");
        var full = manifest.IsFullRange;
        var expected = AuditChainHead.Genesis;
        long count = 0;
        long? first = null;
        long? last = null;
        try
        {
            await using var file = openFile();
            using var reader = new StreamReader(file, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
            await foreach (var e in AuditExportCodec.ReadAsync(reader, format, ct))
            {
                count++;
                if (e.PracticeId != manifest.PracticeId)
                {
                    return Fail($"Event {e.Sequence} belongs to practice {e.PracticeId}, not the manifest's {manifest.PracticeId}.");
                }

                if (last is { } previous && e.Sequence <= previous)
                {
                    return Fail($"Event {e.Sequence} follows event {previous}: the file is out of order.");
                }

                if (!AuditHasher.HashEquals(e, e.Hash))
                {
                    return Fail($"Event {e.Sequence} does not match its hash: it was altered.");
                }

                if (full)
                {
                    if (e.Sequence != expected.Sequence + 1)
                    {
                        return Fail($"Expected event {expected.Sequence + 1} but found {e.Sequence}: events are missing from the chain.");
                    }

                    if (!string.Equals(e.PreviousHash, expected.Hash, StringComparison.Ordinal))
                    {
                        return Fail($"Event {e.Sequence} does not link to the event before it: the chain is broken there.");
                    }

                    expected = new AuditChainHead(e.Sequence, e.Hash);
                }

                first ??= e.Sequence;
                last = e.Sequence;
            }
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return Fail($"The file cannot be read as a {manifest.FileFormat} audit export: {ex.Message}");
        }

        if (count != manifest.Count || first != manifest.FirstSequence || last != manifest.LastSequence)
        {
            return Fail($"The file holds {count} events ({first}..{last}) but the manifest says {manifest.Count} ({manifest.FirstSequence}..{manifest.LastSequence}).");
        }

        if (last is { } l && l > manifest.ChainHead.Sequence)
        {
            return Fail($"The file holds event {l}, after the manifest's chain head {manifest.ChainHead.Sequence}.");
        }

        checks.Add($"{count} events of practice {manifest.PracticeId} read, each matching its hash.");
        if (full)
        {
            if (expected.Sequence != manifest.ChainHead.Sequence || !string.Equals(expected.Hash, manifest.ChainHead.Hash, StringComparison.Ordinal))
            {
                return Fail($"The recomputed chain ends at {expected.Sequence} ({expected.Hash}), not at the manifest's head {manifest.ChainHead.Sequence} ({manifest.ChainHead.Hash}).");
            }

            checks.Add($"Hash chain recomputed from the first event to the head {manifest.ChainHead.Sequence} ({manifest.ChainHead.Hash}).");
        }
        else
        {
            warnings.Add("A filtered export is not a contiguous chain: its events were checked one by one, the links between them were not.");
        }

        return new AuditExportVerification(true, checks, null, warnings);
    }
}
