using Plexura.Core.Common;

namespace Plexura.Core.Practices;

/// <summary>Stores practices.</summary>
public interface IPracticeRepository
{
    /// <summary>Adds a new practice.</summary>
    Task AddAsync(PracticeId practiceId, Practice practice, CancellationToken ct);

    /// <summary>The practice, or null when it does not exist.</summary>
    Task<Practice?> GetAsync(PracticeId practiceId, CancellationToken ct);

    /// <summary>Replaces the practice; fails with <see cref="ConcurrencyConflictException"/> when stale.</summary>
    Task<Practice> UpdateAsync(PracticeId practiceId, Practice practice, CancellationToken ct);
}
