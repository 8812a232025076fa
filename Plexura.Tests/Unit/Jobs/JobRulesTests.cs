using Microsoft.Extensions.Time.Testing;
using Plexura.Core.Common;
using Plexura.Core.Jobs;
using Plexura.Tests.Support;

namespace Plexura.Tests.Unit.Jobs;

/// <summary>The job rules with the clock driven by the test: due and lease times, claims, backoff, jitter, Retry-After, the attempt limit.</summary>
public sealed class JobRulesTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly string _folder = TestConfiguration.NewTempFolder();
    private readonly FakeTimeProvider _time = new(Start);
    private JobTestHost _host = null!;

    public async Task InitializeAsync() => _host = await JobTestHost.CreateAsync(
        _folder,
        new Dictionary<string, string>
        {
            ["RetryBaseDelay"] = BaseDelay.ToString(),
            ["RetryMaxDelay"] = MaxDelay.ToString(),
            ["LeaseDuration"] = Lease.ToString(),
            ["MaxAttempts"] = "3",
        },
        _time);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData(1, 0.0, 5)]
    [InlineData(1, 0.999999, 10)]
    [InlineData(2, 0.0, 10)]
    [InlineData(3, 0.5, 30)]
    [InlineData(20, 0.0, 150)]
    [InlineData(20, 0.999999, 300)]
    public void Backoff_DoublesPerAttemptWithHalfOfItJitteredAndIsCapped(int attempt, double random, int expectedSeconds)
    {
        var delay = RetryBackoff.Compute(attempt, null, BaseDelay, MaxDelay, random);

        Assert.Equal(expectedSeconds, delay.TotalSeconds, precision: 3);
    }

    [Fact]
    public void Backoff_Jitter_StaysWithinTheUpperHalfAndVaries()
    {
        var delays = Enumerable.Range(0, 200).Select(_ => RetryBackoff.Compute(3, null, BaseDelay, MaxDelay)).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40)));
        Assert.True(delays.Distinct().Count() > 100, "Jitter should spread retries.");
    }

    [Fact]
    public void Backoff_RetryAfterLongerThanTheBackoff_IsHonouredButCapped()
    {
        Assert.Equal(TimeSpan.FromSeconds(120), RetryBackoff.Compute(1, TimeSpan.FromSeconds(120), BaseDelay, MaxDelay, 0.5));
        Assert.Equal(MaxDelay, RetryBackoff.Compute(1, TimeSpan.FromHours(2), BaseDelay, MaxDelay, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(7.5), RetryBackoff.Compute(1, TimeSpan.FromSeconds(1), BaseDelay, MaxDelay, 0.5));
    }

    [Fact]
    public void Job_DueAndLeaseTimes_DecideWhenItMayBeClaimed()
    {
        var job = Job.From(new JobRequest("k", null, "{}", "key", Start.AddMinutes(5)), Start);

        Assert.False(job.IsDueAt(Start));
        Assert.True(job.IsDueAt(Start.AddMinutes(5)));

        var claimed = job.Claim("runner-a", Start.AddMinutes(5), Lease);
        Assert.Equal((JobStatus.Running, 1, "runner-a"), (claimed.Status, claimed.Attempts, claimed.LeaseOwner));
        Assert.False(claimed.IsDueAt(Start.AddMinutes(5.5)));
        Assert.True(claimed.IsDueAt(Start.AddMinutes(6)));
        Assert.Equal(Start.AddMinutes(7), claimed.Heartbeat(Start.AddMinutes(6), Lease).DueAt);

        var released = claimed.Released(Start.AddMinutes(5.5));
        Assert.Equal((JobStatus.Pending, 0, null), (released.Status, released.Attempts, released.LeaseOwner));
        Assert.Null(claimed.Completed(Start).DueAt);
        Assert.Null(claimed.Failed(Start, "x").DueAt);
    }

    [Fact]
    public async Task Decide_TransientFailure_GoesBackToPendingAfterAJitteredBackoff()
    {
        var claimed = await ClaimNewAsync();

        var next = _host.Runner.Decide(claimed, JobOutcome.RetryLater(null, "503 unavailable"), _time.GetUtcNow());

        Assert.Equal((JobStatus.Pending, 1, "503 unavailable"), (next.Status, next.Attempts, next.LastError));
        Assert.InRange(next.NotBefore - _time.GetUtcNow(), BaseDelay / 2, BaseDelay);
        Assert.Null(next.LeaseOwner);
    }

    [Fact]
    public async Task Decide_RetryAfter_WaitsAtLeastThatLong()
    {
        var claimed = await ClaimNewAsync();

        var next = _host.Runner.Decide(claimed, JobOutcome.RetryLater(TimeSpan.FromSeconds(90), "429 rate_limited"), _time.GetUtcNow());

        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(90), next.NotBefore);
    }

    [Fact]
    public async Task Decide_TransientFailureOnTheLastAttempt_FailsWithItsCode()
    {
        var job = await ClaimNewAsync();
        job = await _host.Store.UpdateAsync(job.RetryAt(_time.GetUtcNow(), "e1"), Ct);
        job = await _host.Store.UpdateAsync(job.Claim("r", _time.GetUtcNow(), Lease), Ct);
        job = await _host.Store.UpdateAsync(job.RetryAt(_time.GetUtcNow(), "e2"), Ct);
        job = await _host.Store.UpdateAsync(job.Claim("r", _time.GetUtcNow(), Lease), Ct);

        var next = _host.Runner.Decide(job, JobOutcome.RetryLater(null, "503 unavailable"), _time.GetUtcNow());

        Assert.Equal((JobStatus.Failed, 3, "503 unavailable", _time.GetUtcNow()), (next.Status, next.Attempts, next.LastError, next.FinishedAt));
    }

    [Fact]
    public async Task Decide_PostponedOnTheLastAttempt_WaitsWithoutUsingTheAttempt()
    {
        var job = await ClaimNewAsync();
        job = await _host.Store.UpdateAsync(job.RetryAt(_time.GetUtcNow(), "e1"), Ct);
        job = await _host.Store.UpdateAsync(job.Claim("r", _time.GetUtcNow(), Lease), Ct);
        job = await _host.Store.UpdateAsync(job.RetryAt(_time.GetUtcNow(), "e2"), Ct);
        job = await _host.Store.UpdateAsync(job.Claim("r", _time.GetUtcNow(), Lease), Ct);

        var next = _host.Runner.Decide(job, JobOutcome.Postpone(TimeSpan.FromMinutes(5), "not-configured"), _time.GetUtcNow());

        Assert.Equal(
            (JobStatus.Pending, 2, "not-configured", _time.GetUtcNow().AddMinutes(5), (string?)null),
            (next.Status, next.Attempts, next.LastError, next.NotBefore, next.LeaseOwner));
    }

    [Fact]
    public async Task Decide_PermanentFailureAndDone_FinishTheJob()
    {
        var claimed = await ClaimNewAsync();

        var failed = _host.Runner.Decide(claimed, JobOutcome.Failed("415 unsupported"), _time.GetUtcNow());
        var done = _host.Runner.Decide(claimed, JobOutcome.Done, _time.GetUtcNow());

        Assert.Equal((JobStatus.Failed, "415 unsupported"), (failed.Status, failed.LastError));
        Assert.Equal((JobStatus.Done, _time.GetUtcNow()), (done.Status, done.FinishedAt));
    }

    [Fact]
    public async Task TryClaim_NotYetDue_ClaimsNothing()
    {
        var job = await _host.EnqueueAsync($"later/{Guid.NewGuid():N}", notBefore: _time.GetUtcNow().AddMinutes(1));

        Assert.Null(await _host.Runner.TryClaimAsync(job, Ct));

        _time.Advance(TimeSpan.FromMinutes(1));
        var claimed = await _host.Runner.TryClaimAsync(job, Ct);
        Assert.Equal((JobStatus.Running, _host.Runner.Owner, _time.GetUtcNow() + Lease), (claimed!.Status, claimed.LeaseOwner, claimed.LeaseExpiresAt));
    }

    [Fact]
    public async Task TryClaim_TwoRunnersFromTheSameRead_OnlyOneHoldsTheJob()
    {
        var job = await _host.EnqueueAsync($"race/{Guid.NewGuid():N}");
        await using var other = await JobTestHost.CreateAsync(_folder, new Dictionary<string, string> { ["LeaseDuration"] = Lease.ToString() }, _time);

        var first = await _host.Runner.TryClaimAsync(job, Ct);
        var second = await other.Runner.TryClaimAsync(job, Ct);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(_host.Runner.Owner, (await _host.GetAsync(job.Id)).LeaseOwner);
    }

    [Fact]
    public async Task TryClaim_LeaseOfADeadRunnerLapsed_TakesTheJobOverWithOneMoreAttempt()
    {
        var job = await _host.EnqueueAsync($"dead/{Guid.NewGuid():N}");
        var dead = await _host.Store.UpdateAsync(job.Claim("runner-that-died", _time.GetUtcNow(), Lease), Ct);

        Assert.Null(await _host.Runner.TryClaimAsync(dead, Ct));
        var (due, next) = await _host.Runner.ListDueAsync(Ct);
        Assert.DoesNotContain(due, j => j.Id == job.Id);
        Assert.Equal(dead.LeaseExpiresAt, next);

        _time.Advance(Lease);
        var taken = await _host.Runner.TryClaimAsync(dead, Ct);

        Assert.Equal((JobStatus.Running, 2, _host.Runner.Owner), (taken!.Status, taken.Attempts, taken.LeaseOwner));
    }

    [Fact]
    public async Task TryClaim_LeaseLapsedOnTheLastAttempt_FailsAsAbandoned()
    {
        var job = await _host.EnqueueAsync($"crashing/{Guid.NewGuid():N}");
        job = await _host.Store.UpdateAsync(job with { Status = JobStatus.Running, Attempts = 3, LeaseOwner = "x", LeaseExpiresAt = _time.GetUtcNow() }, Ct);

        Assert.Null(await _host.Runner.TryClaimAsync(job, Ct));

        var failed = await _host.GetAsync(job.Id);
        Assert.Equal((JobStatus.Failed, 3, "abandoned"), (failed.Status, failed.Attempts, failed.LastError));
    }

    private async Task<Job> ClaimNewAsync()
    {
        var job = await _host.EnqueueAsync($"rules/{Guid.NewGuid():N}");
        return (await _host.Runner.TryClaimAsync(job, Ct))!;
    }
}
