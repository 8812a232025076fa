using Microsoft.Extensions.Logging;
using Plexura.Core.Common;
using Plexura.Infrastructure.Audio;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence;

/// <summary>
/// Moves session audio keys that earlier versions stored in the main database into the key vault, at every start.
/// </summary>
/// <remarks>
/// <para>Each key is inserted into the vault if absent, then deleted from the main database (at the version read).
/// Idempotent and safe with two instances starting at once: an insert that finds the key already in the vault with the
/// same wrapped key (another instance, or an earlier run that stopped before its delete) just deletes the main copy;
/// a delete that finds the copy gone or changed leaves it for the next start. A main-database key that differs from
/// the vault's for the same session (only possible if an old version kept writing after the move) is left in place
/// and counted in a warning. Logs counts only.</para>
/// <para>After moving at least one key the main database's free space is scrubbed (<see cref="IFreeSpaceScrubber"/>),
/// so the moved keys do not survive in its file. Backups of the main database taken before the upgrade still hold the
/// keys then stored; they age out with that backup's retention (README).</para>
/// </remarks>
internal sealed class LegacyAudioKeyMove(IDocumentStore main, KeyVault vault, IFreeSpaceScrubber scrubber, ILogger<LegacyAudioKeyMove> logger)
{
    private readonly IDocumentCollection<SessionAudioKey> _legacy = main.Collection(Collections.SessionAudioKeys);
    private readonly IDocumentCollection<SessionAudioKey> _vault = vault.Store.Collection(Collections.SessionAudioKeys);

    /// <summary>Moves every key found in the main database; returns how many left it.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var found = new List<SessionAudioKey>();
        await foreach (var key in _legacy.ScanAllAsync(ct))
        {
            found.Add(key);
        }

        if (found.Count == 0)
        {
            return 0;
        }

        int moved = 0, conflicting = 0;
        foreach (var key in found)
        {
            var scope = DocumentScope.Practice(key.PracticeId);
            try
            {
                await _vault.InsertAsync(scope, key with { Version = 0 }, ct);
            }
            catch (DuplicateRecordException)
            {
                var there = await _vault.GetAsync(scope, key.Id, ct);
                if (there is null || !there.WrappedKey.AsSpan().SequenceEqual(key.WrappedKey))
                {
                    conflicting++;
                    continue;
                }

                var merged = Merge(there, key);
                if (merged is not null)
                {
                    try
                    {
                        await _vault.ReplaceAsync(scope, merged, ct);
                    }
                    catch (ConcurrencyConflictException)
                    {
                        // The vault copy is in use again: leave the main copy for the next start.
                        continue;
                    }
                }
            }

            try
            {
                await _legacy.DeleteAsync(scope, key.Id, key.Version, ct);
                moved++;
            }
            catch (Exception ex) when (ex is RecordNotFoundException or ConcurrencyConflictException)
            {
                // Gone (another instance moved it) or changed (an old instance still writing): the next start retries.
            }
        }

        if (moved > 0)
        {
            await scrubber.ScrubAsync(ct);
        }

        logger.LogInformation("Moved {Moved} of {Found} session audio keys from the main database into the key vault", moved, found.Count);
        if (conflicting > 0)
        {
            logger.LogWarning(
                "{Conflicting} session audio keys in the main database differ from the key vault's for the same session and were left in place",
                conflicting);
        }

        return moved;
    }

    /// <summary>The vault's document with chunks indexed only in the main copy added; null when it lacks none.</summary>
    private static SessionAudioKey? Merge(SessionAudioKey vaultCopy, SessionAudioKey mainCopy)
    {
        static Dictionary<int, int> Indexed(SessionAudioKey k) =>
            k.ChunkSamples.Select((samples, sequence) => (sequence, samples)).Concat(k.Ahead.Select(a => (a.Sequence, a.Samples)))
                .ToDictionary(c => c.Item1, c => c.Item2);

        var all = Indexed(vaultCopy);
        var before = all.Count;
        foreach (var (sequence, samples) in Indexed(mainCopy))
        {
            all.TryAdd(sequence, samples);
        }

        if (all.Count == before)
        {
            return null;
        }

        var contiguous = new List<int>();
        while (all.Remove(contiguous.Count, out var next))
        {
            contiguous.Add(next);
        }

        return vaultCopy with { ChunkSamples = contiguous, Ahead = [.. all.OrderBy(a => a.Key).Select(a => new AheadChunk(a.Key, a.Value))] };
    }
}
