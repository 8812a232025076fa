using Plexura.Core.Billing;
using Plexura.Core.Common;
using Plexura.Core.Practices;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>Practices' billing records and the Stripe event store on every engine: one record per practice, one claim per event.</summary>
public abstract class BillingRepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private IPracticeBillingRepository Billings => fixture.Get<IPracticeBillingRepository>();

    private IStripeEventStore Events => fixture.Get<IStripeEventStore>();

    [EngineFact]
    public async Task Billing_AddGetUpdate_OnePerPractice_StaleUpdateConflicts()
    {
        var practiceId = await NewPracticeAsync();
        var billing = PracticeBilling.Empty(practiceId) with { CustomerId = $"cus_{Guid.NewGuid():N}", Status = BillingStatus.Active, BilledSeats = 3, StateAt = Now };

        await Billings.AddAsync(practiceId, billing, Ct);
        var stored = await Billings.GetAsync(practiceId, Ct);
        var updated = await Billings.UpdateAsync(practiceId, stored! with { BilledSeats = 4 }, Ct);

        Assert.Equal(billing, stored);
        Assert.Equal((4, 1L), (updated.BilledSeats, updated.Version));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Billings.UpdateAsync(practiceId, stored with { BilledSeats = 5 }, Ct));
        await Assert.ThrowsAsync<DuplicateRecordException>(() => Billings.AddAsync(practiceId, billing, Ct));
    }

    [EngineFact]
    public async Task Billing_OtherPractice_IsNotFound_ButTheCustomerFindsItsOwnPractice()
    {
        var a = await NewPracticeAsync();
        var b = await NewPracticeAsync();
        var customer = $"cus_{Guid.NewGuid():N}";
        await Billings.AddAsync(a, PracticeBilling.Empty(a) with { CustomerId = customer }, Ct);

        Assert.Null(await Billings.GetAsync(b, Ct));
        Assert.Equal(a, (await Billings.FindByCustomerAsync(customer, Ct))!.PracticeId);
        Assert.Null(await Billings.FindByCustomerAsync("cus_unknown", Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Billings.AddAsync(b, PracticeBilling.Empty(a), Ct));
    }

    [EngineFact]
    public async Task Events_ConcurrentClaimsOfOneEvent_ExactlyOneWins_ThenApplied()
    {
        var id = $"evt_{Guid.NewGuid():N}";

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Events.ClaimAsync(id, "invoice.paid", Now, TimeSpan.FromMinutes(2), Ct))));
        await Events.MarkAppliedAsync(id, "applied", null, Now, Ct);

        Assert.Single(claims, c => c == StripeEventClaim.Claimed);
        Assert.All(claims.Where(c => c != StripeEventClaim.Claimed), c => Assert.Equal(StripeEventClaim.InProgress, c));
        Assert.Equal(StripeEventClaim.AlreadyApplied, await Events.ClaimAsync(id, "invoice.paid", Now.AddHours(1), TimeSpan.FromMinutes(2), Ct));
        Assert.Equal((StripeEventState.Applied, "applied"), ((await Events.GetAsync(id, Ct))!.State, (await Events.GetAsync(id, Ct))!.Outcome));
    }

    [EngineFact]
    public async Task Events_FailedOrLapsedClaim_CanBeClaimedAgain()
    {
        var failed = $"evt_{Guid.NewGuid():N}";
        var lapsed = $"evt_{Guid.NewGuid():N}";
        await Events.ClaimAsync(failed, "invoice.paid", Now, TimeSpan.FromMinutes(2), Ct);
        await Events.MarkFailedAsync(failed, Ct);
        await Events.ClaimAsync(lapsed, "invoice.paid", Now, TimeSpan.FromMinutes(2), Ct);

        Assert.Equal(StripeEventClaim.Claimed, await Events.ClaimAsync(failed, "invoice.paid", Now.AddSeconds(1), TimeSpan.FromMinutes(2), Ct));
        Assert.Equal(StripeEventClaim.InProgress, await Events.ClaimAsync(lapsed, "invoice.paid", Now.AddMinutes(1), TimeSpan.FromMinutes(2), Ct));
        Assert.Equal(StripeEventClaim.Claimed, await Events.ClaimAsync(lapsed, "invoice.paid", Now.AddMinutes(3), TimeSpan.FromMinutes(2), Ct));
    }

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = new Practice(PracticeId.New(), "Practice", Now);
        await fixture.Get<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        return practice.Id;
    }
}

public sealed class SqliteBillingRepositoryContractTests(SqliteStorageFixture fixture)
    : BillingRepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoBillingRepositoryContractTests(MongoStorageFixture fixture)
    : BillingRepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
