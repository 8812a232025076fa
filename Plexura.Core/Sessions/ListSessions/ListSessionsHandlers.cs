using Plexura.Core.Access;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Sessions.ListSessions;

/// <summary>A client's sessions.</summary>
/// <param name="ClientId">The client.</param>
public sealed record ListClientSessionsCommand(ClientId ClientId);

/// <summary>Lists a client's sessions, newest first, for a member who may view the client (refusals audited by the gate).</summary>
public sealed class ListClientSessionsHandler(ClientAccessGate gate, IClinicalSessionRepository sessions)
{
    /// <summary>The sessions, newest first.</summary>
    /// <exception cref="RecordNotFoundException">No such client in the member's practice.</exception>
    /// <exception cref="AccessDeniedException">The member may not view the client.</exception>
    public async Task<IReadOnlyList<ClinicalSession>> HandleAsync(ListClientSessionsCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = (await gate.RequireAsync(command.ClientId, ClientPermission.View, client, ct)).Actor;
        var found = await sessions.ListForClientAsync(actor.PracticeId, command.ClientId, ct);
        return [.. found.OrderByDescending(s => s.StartedAt).ThenByDescending(s => s.Id.ToString(), StringComparer.Ordinal)];
    }
}

/// <summary>
/// The home page's day: the practice's sessions of the last <see cref="RecentDays"/> days whose client the member may
/// view, newest first. A clinician sees the sessions of their clients (and their own); owners and admins see the
/// practice's; compliance staff see none (they never reach clinical content).
/// </summary>
/// <remarks>
/// Decided with the same rules as every client use case (<see cref="ClientAuthorization"/>), from one read of the
/// member's access and one read of each distinct client's facts. Sessions carry ids and states only: the page that
/// shows client names decrypts and audits them as it does for client lists.
/// </remarks>
public sealed class ListMyDayHandler(
    PracticeActorLoader loader, ClientAccessGate gate, IClientDirectory clients, IClinicalSessionRepository sessions, TimeProvider time)
{
    /// <summary>How far back "recent" reaches.</summary>
    public const int RecentDays = 7;

    /// <summary>The most sessions listed.</summary>
    public const int MaxSessions = 200;

    /// <summary>The sessions, newest first.</summary>
    public async Task<IReadOnlyList<ClinicalSession>> HandleAsync(ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var actor = await loader.LoadAsync(ct);
        var map = await gate.LoadAccessToAnyClientAsync(actor.PracticeId, actor.MembershipId, ct);
        if (map is null)
        {
            return [];
        }

        var since = time.GetUtcNow().AddDays(-RecentDays);
        var recent = await sessions.ListStartedSinceAsync(actor.PracticeId, since, 5 * MaxSessions, ct);
        var visible = new Dictionary<ClientId, bool>();
        var shown = new List<ClinicalSession>();
        foreach (var session in recent.OrderByDescending(s => s.StartedAt))
        {
            if (!visible.TryGetValue(session.ClientId, out var allowed))
            {
                var facts = await clients.GetFactsAsync(actor.PracticeId, session.ClientId, ct);
                allowed = facts is not null && ClientAuthorization.Decide(actor, map.For(session.ClientId), facts, ClientPermission.View).IsAllowed;
                visible[session.ClientId] = allowed;
            }

            if (allowed)
            {
                shown.Add(session);
                if (shown.Count == MaxSessions)
                {
                    break;
                }
            }
        }

        return shown;
    }
}

/// <summary>The signed-in member's own sessions that are still recording or paused, newest first: what a reloaded recorder offers to continue or stop.</summary>
public sealed class ListUnfinishedSessionsHandler(PracticeActorLoader loader, IClinicalSessionRepository sessions)
{
    /// <summary>The sessions.</summary>
    public async Task<IReadOnlyList<ClinicalSession>> HandleAsync(CancellationToken ct)
    {
        var actor = await loader.LoadAsync(ct);
        var mine = await sessions.ListForClinicianAsync(actor.PracticeId, actor.UserId, ct);
        return [.. mine.Where(s => s.IsOpen).OrderByDescending(s => s.StartedAt)];
    }
}
