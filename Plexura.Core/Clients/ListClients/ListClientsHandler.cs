using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Clients.SearchClients;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Clients.ListClients;

/// <summary>List the practice's clients the signed-in member may view, oldest first, one page at a time.</summary>
/// <param name="After">The last client of the previous page (from <see cref="ClientListPage.NextAfter"/>), or null for the first page.</param>
/// <param name="IncludeArchived">Whether archived clients are included.</param>
public sealed record ListClientsCommand(ClientId? After = null, bool IncludeArchived = false)
{
    /// <summary>The most clients returned in one page.</summary>
    public const int PageSize = 25;
}

/// <summary>One page of the client list.</summary>
/// <param name="Clients">The clients the member may view, oldest first.</param>
/// <param name="NextAfter">Pass as <see cref="ListClientsCommand.After"/> for the next page; null when there is none.</param>
public sealed record ClientListPage(IReadOnlyList<ClientSummary> Clients, ClientId? NextAfter);

/// <summary>Lists the clients the member may view: same rules as opening a client, one audited PHI view per page shown.</summary>
/// <remarks>
/// The page is read in id order (ids sort by creation time) and each candidate is checked with
/// <see cref="ClientAuthorization.Decide"/> before anything is decrypted, so a clinician's list holds exactly the clients
/// they could open. Members the practice gate keeps out get nothing and a Denied event. A page that shows names is one
/// <see cref="AuditAction.PhiViewed"/> event with the ids of the clients shown (<see cref="ShownClients"/>), never the names. The scan of one call is bounded so a
/// clinician with few grants in a large practice cannot make one request read the whole table; the cursor continues it.
/// </remarks>
public sealed class ListClientsHandler(
    PracticeAccessGate practiceGate,
    ClientAccessGate clientGate,
    IClientRepository clients,
    ClientProtector protector,
    IAuditLog audit)
{
    private const int BatchSize = 100;

    private const int MaxScanned = 1000;

    /// <summary>The next page of viewable clients.</summary>
    /// <exception cref="AccessDeniedException">The member may not reach the practice's data.</exception>
    public async Task<ClientListPage> HandleAsync(ListClientsCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await practiceGate.RequireAsync(ClientAuthorization.CanListClients, AuditAction.PhiViewed, "client", client, ct);
        var accessTo = await clientGate.LoadAccessToAnyClientAsync(actor.PracticeId, actor.MembershipId, ct);
        var (results, next) = accessTo is { Scope: ClientScope.GrantedOnly } && actor.Role == PracticeRole.Clinician
            ? await ListCreatedAndGrantedAsync(actor, accessTo, command, ct)
            : await ScanAsync(actor, accessTo, command, ct);

        if (results.Count > 0)
        {
            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.PhiViewed, AuditResult.Success, "client-list", null, null, ct,
                ShownClients.Details(results.Select(c => c.ClientId)));
        }

        return new ClientListPage(results, next);
    }

    /// <summary>A clinician limited to granted clients: exactly the clients they added or hold a grant on, in id order.</summary>
    /// <remarks>
    /// Read from the creator index and the member's grants rather than by scanning the practice, so a clinician with a
    /// handful of clients among thousands gets full pages at once. Each is still decided by the same rules.
    /// </remarks>
    private async Task<(List<ClientSummary> Results, ClientId? Next)> ListCreatedAndGrantedAsync(
        PracticeActor actor, MemberAccessMap accessTo, ListClientsCommand command, CancellationToken ct)
    {
        var created = (await clients.ListCreatedByAsync(actor.PracticeId, actor.UserId, ct)).ToDictionary(c => c.Id);
        var after = command.After?.ToString();
        var ids = created.Keys.Concat(accessTo.GrantedClientIds).Distinct()
            .Select(id => (Id: id, Key: id.ToString()))
            .Where(x => after is null || string.CompareOrdinal(x.Key, after) > 0)
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .Select(x => x.Id);
        var results = new List<ClientSummary>();
        ClientId? last = null;
        foreach (var id in ids)
        {
            if (results.Count == ListClientsCommand.PageSize)
            {
                return (results, last);
            }

            last = id;
            var candidate = created.GetValueOrDefault(id) ?? await clients.GetAsync(actor.PracticeId, id, ct);
            if (candidate is not null && (command.IncludeArchived || !candidate.IsArchived)
                && await ShowIfViewableAsync(actor, accessTo.For(id), candidate, ct) is { } shown)
            {
                results.Add(shown);
            }
        }

        return (results, null);
    }

    /// <summary>Everyone else: the practice's clients in id order, at most <see cref="MaxScanned"/> examined per call.</summary>
    private async Task<(List<ClientSummary> Results, ClientId? Next)> ScanAsync(
        PracticeActor actor, MemberAccessMap? accessTo, ListClientsCommand command, CancellationToken ct)
    {
        var results = new List<ClientSummary>();
        var after = command.After;
        var scanned = 0;
        var more = true;
        while (more && results.Count < ListClientsCommand.PageSize && scanned < MaxScanned)
        {
            var batch = await clients.ListAsync(actor.PracticeId, after, command.IncludeArchived, BatchSize, ct);
            more = batch.Count == BatchSize;
            foreach (var candidate in batch)
            {
                scanned++;
                after = candidate.Id;
                if (accessTo is not null && await ShowIfViewableAsync(actor, accessTo.For(candidate.Id), candidate, ct) is { } shown)
                {
                    results.Add(shown);
                }

                if (results.Count == ListClientsCommand.PageSize)
                {
                    more = more || !ReferenceEquals(candidate, batch[^1]);
                    break;
                }
            }
        }

        return (results, more ? after : null);
    }

    /// <summary>The client's list row when the member may view it (decided before anything is decrypted), else null.</summary>
    private async Task<ClientSummary?> ShowIfViewableAsync(PracticeActor actor, MemberAccess access, Client candidate, CancellationToken ct)
    {
        var facts = new ClientAccessFacts(candidate.Id, candidate.CreatedBy, candidate.IsRestricted, candidate.IsPart2, false, candidate.IsArchived);
        if (!ClientAuthorization.Decide(actor, access, facts, ClientPermission.View).IsAllowed)
        {
            return null;
        }

        var details = await protector.RevealAsync(candidate, ct);
        return new ClientSummary(candidate.Id, details.Name, details.DateOfBirth, candidate.IsRestricted, candidate.IsPart2, candidate.IsArchived);
    }
}
