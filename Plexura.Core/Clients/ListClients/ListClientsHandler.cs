using System.Globalization;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Clients.SearchClients;
using Plexura.Core.Common;
using Plexura.Core.Identity;
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
/// <see cref="AuditAction.PhiViewed"/> event with the count shown, never the names. The scan of one call is bounded so a
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
                var access = accessTo?.Invoke(candidate.Id);
                var facts = new ClientAccessFacts(candidate.Id, candidate.CreatedBy, candidate.IsRestricted, candidate.IsPart2, false, candidate.IsArchived);
                if (access is not null && ClientAuthorization.Decide(actor, access, facts, ClientPermission.View).IsAllowed)
                {
                    var details = await protector.RevealAsync(candidate, ct);
                    results.Add(new ClientSummary(candidate.Id, details.Name, details.DateOfBirth, candidate.IsRestricted, candidate.IsPart2, candidate.IsArchived));
                }

                if (results.Count == ListClientsCommand.PageSize)
                {
                    more = more || !ReferenceEquals(candidate, batch[^1]);
                    break;
                }
            }
        }

        if (results.Count > 0)
        {
            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.PhiViewed, AuditResult.Success, "client-list", null, null, ct,
                ("shown", results.Count.ToString(CultureInfo.InvariantCulture)));
        }

        return new ClientListPage(results, more ? after : null);
    }
}
