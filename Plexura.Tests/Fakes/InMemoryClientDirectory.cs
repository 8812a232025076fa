using System.Collections.Concurrent;
using Plexura.Core.Access;
using Plexura.Core.Common;

namespace Plexura.Tests.Fakes;

/// <summary>Client access facts held in memory, per practice, until the client records implement the port.</summary>
public sealed class InMemoryClientDirectory : IClientDirectory
{
    private readonly ConcurrentDictionary<(PracticeId, ClientId), ClientAccessFacts> _clients = new();

    /// <summary>Adds or replaces a client of <paramref name="practiceId"/>.</summary>
    public ClientAccessFacts Put(PracticeId practiceId, ClientAccessFacts facts)
    {
        _clients[(practiceId, facts.ClientId)] = facts;
        return facts;
    }

    public Task<ClientAccessFacts?> GetFactsAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct) =>
        Task.FromResult(_clients.TryGetValue((practiceId, clientId), out var facts) ? facts : null);
}
