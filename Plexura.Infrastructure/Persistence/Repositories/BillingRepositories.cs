using Plexura.Core.Billing;
using Plexura.Core.Common;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Practices' billing records, on any engine (one per practice, id = practice id).</summary>
internal sealed class PracticeBillingRepository(IDocumentStore store) : IPracticeBillingRepository
{
    private static readonly string CustomerField = DocumentFields.Of(nameof(PracticeBilling.CustomerId));

    private readonly IDocumentCollection<PracticeBilling> _billings = store.Collection(Collections.PracticeBillings);

    public Task<PracticeBilling?> GetAsync(PracticeId practiceId, CancellationToken ct) =>
        _billings.GetAsync(DocumentScope.Practice(practiceId), practiceId.ToString(), ct);

    public Task AddAsync(PracticeId practiceId, PracticeBilling billing, CancellationToken ct) =>
        billing.Id == practiceId.ToString() && billing.PracticeId == practiceId
            ? _billings.InsertAsync(DocumentScope.Practice(practiceId), billing, ct)
            : throw new InvalidOperationException("A practice's billing record id is its practice id.");

    public Task<PracticeBilling> UpdateAsync(PracticeId practiceId, PracticeBilling billing, CancellationToken ct) =>
        _billings.ReplaceAsync(DocumentScope.Practice(practiceId), billing, ct);

    public async Task<PracticeBilling?> FindByCustomerAsync(string customerId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var found = await _billings.FindAcrossPracticesAsync(CustomerField, customerId, ct);
        return found.Count == 1 ? found[0] : null;
    }
}

/// <summary>Received Stripe events, on any engine: the event id is the document id, so an insert is the claim.</summary>
internal sealed class StripeEventStore(IDocumentStore store) : IStripeEventStore
{
    private readonly IDocumentCollection<StripeEventRecord> _events = store.Collection(Collections.StripeEvents);

    public async Task<StripeEventClaim> ClaimAsync(string eventId, string type, DateTimeOffset now, TimeSpan lease, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        try
        {
            await _events.InsertAsync(DocumentScope.Global, new StripeEventRecord(eventId, type, StripeEventState.Processing, now, null, null, null), ct);
            return StripeEventClaim.Claimed;
        }
        catch (DuplicateRecordException)
        {
            // Stored already: applied, being applied elsewhere, or failed (then claimable again).
        }

        var stored = await _events.GetAsync(DocumentScope.Global, eventId, ct);
        if (stored is null || stored.State == StripeEventState.Applied)
        {
            return StripeEventClaim.AlreadyApplied;
        }

        if (stored.State == StripeEventState.Processing && now - stored.ClaimedAt < lease)
        {
            return StripeEventClaim.InProgress;
        }

        try
        {
            await _events.ReplaceAsync(DocumentScope.Global, stored with { State = StripeEventState.Processing, ClaimedAt = now }, ct);
            return StripeEventClaim.Claimed;
        }
        catch (ConcurrencyConflictException)
        {
            return StripeEventClaim.InProgress;
        }
    }

    public async Task MarkAppliedAsync(string eventId, string outcome, PracticeId? practiceId, DateTimeOffset now, CancellationToken ct) =>
        await ChangeAsync(eventId, e => e with { State = StripeEventState.Applied, AppliedAt = now, Outcome = outcome, PracticeId = practiceId?.ToString() }, ct);

    public async Task MarkFailedAsync(string eventId, CancellationToken ct) =>
        await ChangeAsync(eventId, e => e.State == StripeEventState.Applied ? e : e with { State = StripeEventState.Failed }, ct);

    public Task<StripeEventRecord?> GetAsync(string eventId, CancellationToken ct) => _events.GetAsync(DocumentScope.Global, eventId, ct);

    private async Task ChangeAsync(string eventId, Func<StripeEventRecord, StripeEventRecord> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await _events.GetAsync(DocumentScope.Global, eventId, ct) ?? throw new RecordNotFoundException(StripeEventRecord.RecordType);
            var next = change(stored);
            if (next == stored)
            {
                return;
            }

            try
            {
                await _events.ReplaceAsync(DocumentScope.Global, next, ct);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < 5)
            {
            }
        }
    }
}
