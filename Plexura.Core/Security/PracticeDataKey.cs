using Plexura.Core.Common;

namespace Plexura.Core.Security;

/// <summary>A practice's data-encryption key, stored only wrapped (encrypted) by a master key.</summary>
/// <param name="Id">The key id written into every ciphertext it produced.</param>
/// <param name="PracticeId">The owning practice.</param>
/// <param name="MasterKeyId">Which master key wrapped it; lets the master key rotate.</param>
/// <param name="WrappedKey">The key encrypted by the master key (base64), empty once destroyed.</param>
/// <param name="CreatedAt">When the key was made.</param>
/// <param name="DestroyedAt">When the key material was erased (crypto-shredding), or null.</param>
/// <param name="Version">Optimistic-concurrency version.</param>
public sealed record PracticeDataKey(
    string Id,
    PracticeId PracticeId,
    string MasterKeyId,
    string WrappedKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DestroyedAt = null,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>True once the key material has been erased.</summary>
    public bool IsDestroyed => DestroyedAt is not null;
}

/// <summary>Stores practice data keys (wrapped).</summary>
public interface IPracticeKeyRepository
{
    /// <summary>Adds the practice's key; a practice has exactly one.</summary>
    Task AddAsync(PracticeId practiceId, PracticeDataKey key, CancellationToken ct);

    /// <summary>The practice's key, or null.</summary>
    Task<PracticeDataKey?> GetAsync(PracticeId practiceId, CancellationToken ct);

    /// <summary>Replaces the key record; fails when stale.</summary>
    Task<PracticeDataKey> UpdateAsync(PracticeId practiceId, PracticeDataKey key, CancellationToken ct);

    /// <summary>Every practice's key record, for master-key rotation.</summary>
    [CrossPractice("Master-key rotation re-wraps every practice's key; it reads only wrapped key material, never PHI.")]
    IAsyncEnumerable<PracticeDataKey> ListAllAsync(CancellationToken ct);
}

/// <summary>Creates, destroys and re-wraps practice data keys.</summary>
public interface IPracticeKeyService
{
    /// <summary>Creates the practice's data key. Called once when the practice is created.</summary>
    Task CreateAsync(PracticeId practiceId, CancellationToken ct);

    /// <summary>Erases the practice's key material: all its PHI becomes unreadable, everywhere, at once.</summary>
    Task DestroyAsync(PracticeId practiceId, CancellationToken ct);

    /// <summary>Re-wraps every practice key that is not wrapped by the current master key; returns how many.</summary>
    Task<int> RewrapAllAsync(CancellationToken ct);
}
