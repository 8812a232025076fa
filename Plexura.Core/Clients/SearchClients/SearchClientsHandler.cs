using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Clients.SearchClients;

/// <summary>Find clients by name.</summary>
/// <param name="Query">What the member typed: words or word starts of at least two letters.</param>
/// <param name="IncludeArchived">Whether archived clients are included.</param>
public sealed record SearchClientsCommand(string Query, bool IncludeArchived = false)
{
    /// <summary>The most results returned.</summary>
    public const int PageSize = 25;

    /// <inheritdoc />
    public override string ToString() => $"{nameof(SearchClientsCommand)} {{ Query = *** }}";
}

/// <summary>One search result: what a client list shows.</summary>
public sealed record ClientSummary(ClientId ClientId, string Name, DateOnly DateOfBirth, bool IsRestricted, bool IsPart2, bool IsArchived);

/// <summary>Searches the practice's clients by name through the blind index, returning only those the member may view.</summary>
/// <remarks>
/// The query becomes HMAC tokens; the store matches them without decrypting anything, and only the page of matches the
/// member may view (same rules as opening the client) is decrypted. Members the practice gate keeps out, and compliance
/// staff (<see cref="ClientAuthorization.CanListClients"/>), get nothing and a Denied event. Every search is one
/// <see cref="AuditAction.PhiViewed"/> event listing the ids of the clients shown (<see cref="ShownClients"/>), never
/// the query (people type names into it); a search that showed nothing is recorded too, since an empty answer also
/// tells the searcher something about who is (not) a client.
/// </remarks>
public sealed class SearchClientsHandler(
    PracticeAccessGate practiceGate,
    ClientAccessGate clientGate,
    IClientSearchIndexer indexer,
    IClientRepository clients,
    ClientProtector protector,
    IAuditLog audit)
{
    private const int CandidateLimit = 200;

    /// <summary>The matching clients the member may view, at most <see cref="SearchClientsCommand.PageSize"/>.</summary>
    public async Task<IReadOnlyList<ClientSummary>> HandleAsync(SearchClientsCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await practiceGate.RequireAsync(ClientAuthorization.CanListClients, AuditAction.PhiViewed, "client", client, ct);
        var query = (command.Query ?? string.Empty).Trim();
        if (query.Length > 200)
        {
            throw new ValidationFailedException("Search with at most 200 characters.");
        }

        var tokens = await indexer.QueryTokensAsync(actor.PracticeId, query, ct);
        if (tokens.Count == 0)
        {
            await AuditAsync(actor, client, [], ct);
            return [];
        }

        var accessTo = await clientGate.LoadAccessToAnyClientAsync(actor.PracticeId, actor.MembershipId, ct);
        var results = new List<ClientSummary>();
        foreach (var candidate in await clients.SearchAsync(actor.PracticeId, tokens, command.IncludeArchived, CandidateLimit, ct))
        {
            var access = accessTo?.For(candidate.Id);
            var facts = new ClientAccessFacts(candidate.Id, candidate.CreatedBy, candidate.IsRestricted, candidate.IsPart2, false, candidate.IsArchived);
            if (access is null || !ClientAuthorization.Decide(actor, access, facts, ClientPermission.View).IsAllowed)
            {
                continue;
            }

            var details = await protector.RevealAsync(candidate, ct);
            results.Add(new ClientSummary(candidate.Id, details.Name, details.DateOfBirth, candidate.IsRestricted, candidate.IsPart2, candidate.IsArchived));
            if (results.Count == SearchClientsCommand.PageSize)
            {
                break;
            }
        }

        await AuditAsync(actor, client, results, ct);
        return results;
    }

    private Task<AuditEvent> AuditAsync(PracticeActor actor, ClientInfo client, List<ClientSummary> shown, CancellationToken ct) =>
        AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.PhiViewed, AuditResult.Success, "client-search", null, null, ct,
            ShownClients.Details(shown.Select(c => c.ClientId)));
}
