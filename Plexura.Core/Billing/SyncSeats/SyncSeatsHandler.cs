using Plexura.Core.Auditing;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Billing.SyncSeats;

/// <summary>Queues a seat update for the signed-in owner's own practice (the Billing page's "Update seats now").</summary>
/// <remarks>The practice is the signed-in owner's: no command names one, so another practice's seats cannot be touched.</remarks>
public sealed class SyncSeatsHandler(PracticeAccessGate gate, BillingSeatRequests requests)
{
    /// <summary>Queues it; throws <see cref="Common.AccessDeniedException"/> for anyone but an owner.</summary>
    public async Task HandleAsync(ClientInfo client, CancellationToken ct)
    {
        var actor = await gate.RequireAsync(BillingPolicy.CanManageBilling, AuditAction.SettingsChanged, "billing", client, ct);
        await requests.RequestAsync(actor.PracticeId, "manual", ct);
    }
}
