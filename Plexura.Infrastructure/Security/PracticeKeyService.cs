using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Plexura.Core.Common;
using Plexura.Core.Security;

namespace Plexura.Infrastructure.Security;

/// <summary>Creates, caches, destroys and re-wraps practice data keys.</summary>
/// <remarks>
/// Unwrapped keys are cached in memory for a short time so a page of clients does not unwrap the key per field.
/// Destroying a key evicts it here at once; other app instances drop it within <see cref="CacheLifetime"/>.
/// </remarks>
internal sealed class PracticeKeyService(
    IPracticeKeyRepository keys,
    MasterKeyRing masterKeys,
    TimeProvider time,
    ILogger<PracticeKeyService> logger) : IPracticeKeyService
{
    /// <summary>How long an unwrapped data key stays in memory.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);

    private const int KeySize = 32;

    private readonly ConcurrentDictionary<PracticeId, (byte[] Key, DateTimeOffset Expires)> _cache = new();

    public async Task CreateAsync(PracticeId practiceId, CancellationToken ct)
    {
        var dataKey = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            var record = new PracticeDataKey(practiceId.ToString(), practiceId, masterKeys.CurrentId, masterKeys.Wrap(practiceId, dataKey), time.GetUtcNow());
            await keys.AddAsync(practiceId, record, ct);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }

        logger.LogInformation("Created data key for practice {PracticeId}", practiceId);
    }

    public async Task DestroyAsync(PracticeId practiceId, CancellationToken ct)
    {
        var record = await keys.GetAsync(practiceId, ct) ?? throw new RecordNotFoundException("practice key");
        _cache.TryRemove(practiceId, out _);
        if (!record.IsDestroyed)
        {
            await keys.UpdateAsync(practiceId, record with { WrappedKey = string.Empty, DestroyedAt = time.GetUtcNow() }, ct);
        }

        _cache.TryRemove(practiceId, out _);
        logger.LogWarning("Destroyed the data key of practice {PracticeId}: its PHI is now unreadable", practiceId);
    }

    public async Task<int> RewrapAllAsync(CancellationToken ct)
    {
        var rewrapped = 0;
        await foreach (var record in keys.ListAllAsync(ct))
        {
            if (record.IsDestroyed || record.MasterKeyId == masterKeys.CurrentId)
            {
                continue;
            }

            var dataKey = masterKeys.Unwrap(record.PracticeId, record.MasterKeyId, record.WrappedKey);
            try
            {
                var rewrappedKey = masterKeys.Wrap(record.PracticeId, dataKey);
                await keys.UpdateAsync(record.PracticeId, record with { MasterKeyId = masterKeys.CurrentId, WrappedKey = rewrappedKey }, ct);
                rewrapped++;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }
        }

        logger.LogInformation("Re-wrapped {Count} practice data keys with master key {MasterKeyId}", rewrapped, masterKeys.CurrentId);
        return rewrapped;
    }

    /// <summary>The practice's unwrapped data key.</summary>
    /// <exception cref="PhiUnreadableException">The practice has no key, or it was destroyed.</exception>
    internal async ValueTask<byte[]> GetKeyAsync(PracticeId practiceId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(practiceId, out var cached) && cached.Expires > now)
        {
            return cached.Key;
        }

        var record = await keys.GetAsync(practiceId, ct) ?? throw new PhiUnreadableException("The practice has no data key.");
        if (record.IsDestroyed)
        {
            throw new PhiUnreadableException("The practice's data key was destroyed.");
        }

        byte[] key;
        try
        {
            key = masterKeys.Unwrap(practiceId, record.MasterKeyId, record.WrappedKey);
        }
        catch (CryptographicException ex)
        {
            throw new PhiUnreadableException($"The practice's data key cannot be unwrapped: {ex.Message}");
        }

        _cache[practiceId] = (key, now + CacheLifetime);
        return key;
    }
}
