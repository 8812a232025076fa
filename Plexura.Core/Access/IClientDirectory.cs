using Plexura.Core.Common;

namespace Plexura.Core.Access;

/// <summary>What access control may read about a practice's clients: existence and flags, never PHI.</summary>
/// <remarks>
/// A port of its own so authorization depends on no client storage detail; the client records implement it. Takes
/// the practice id first and answers null for another practice's client, like every practice-data port.
/// </remarks>
public interface IClientDirectory
{
    /// <summary>The client's access facts in this practice, or null when there is no such client here.</summary>
    Task<ClientAccessFacts?> GetFactsAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct);
}

/// <summary>The directory used until client records are registered: no client exists, so every client access fails closed.</summary>
public sealed class NoClientDirectory : IClientDirectory
{
    /// <inheritdoc />
    public Task<ClientAccessFacts?> GetFactsAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct) =>
        Task.FromResult<ClientAccessFacts?>(null);
}
