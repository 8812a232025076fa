using Microsoft.Extensions.Options;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Identity;

namespace Plexura.Tests.Unit.Identity;

/// <summary>The cap on concurrent password hashing: a burst waits in a bounded queue, and beyond it is shed.</summary>
public sealed class PasswordHashingLimiterTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RunAsync_LimitOneWithParallelCallers_NeverRunsTwoAtOnce()
    {
        using var limiter = new PasswordHashingLimiter(permits: 1, queueLimit: 16);
        using var release = new ManualResetEventSlim();
        var running = 0;
        var maxRunning = 0;
        int Work()
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            release.Wait(WaitLimit);
            Interlocked.Decrement(ref running);
            return now;
        }

        var calls = Enumerable.Range(0, 8).Select(_ => Task.Run(() => limiter.RunAsync(Work, Ct))).ToArray();
        Assert.True(SpinWait.SpinUntil(() => limiter.Statistics!.CurrentQueuedCount == 7, WaitLimit));
        Assert.Equal(1, Volatile.Read(ref running));
        release.Set();
        var results = await Task.WhenAll(calls);

        Assert.Equal(1, maxRunning);
        Assert.All(results, r => Assert.Equal(1, r));
    }

    [Fact]
    public async Task RunAsync_QueueFull_ThrowsServiceBusyWithoutRunning()
    {
        using var limiter = new PasswordHashingLimiter(permits: 1, queueLimit: 1);
        using var release = new ManualResetEventSlim();
        var ran = 0;
        int Work()
        {
            Interlocked.Increment(ref ran);
            release.Wait(WaitLimit);
            return 0;
        }

        var first = Task.Run(() => limiter.RunAsync(Work, Ct));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref ran) == 1, WaitLimit));
        var queued = limiter.RunAsync(Work, Ct);

        var busy = await Assert.ThrowsAsync<ServiceBusyException>(() => limiter.RunAsync(Work, Ct));

        Assert.Equal(ServiceBusyException.PasswordHashingMessage, busy.Message);
        Assert.True(busy.RetryAfter > TimeSpan.Zero);
        release.Set();
        await Task.WhenAll(first, queued);
        Assert.Equal(2, ran);
    }

    [Fact]
    public async Task VerifyAsync_QueueFull_ThrowsServiceBusy()
    {
        var options = Options.Create(new AuthOptions { BcryptWorkFactor = 4, MaxConcurrentPasswordHashes = 1, PasswordHashQueueLimit = 0 });
        using var limiter = new PasswordHashingLimiter(options);
        var hasher = new BcryptPasswordHasher(options, limiter);
        var hash = await hasher.HashAsync("Tr0ub4dor&Zk", Ct);
        using var release = new ManualResetEventSlim();
        var started = new ManualResetEventSlim();
        var holder = Task.Run(() => limiter.RunAsync(() => { started.Set(); return release.Wait(WaitLimit); }, Ct));
        Assert.True(started.Wait(WaitLimit));

        await Assert.ThrowsAsync<ServiceBusyException>(() => hasher.VerifyAsync("Tr0ub4dor&Zk", hash, Ct));
        await Assert.ThrowsAsync<ServiceBusyException>(() => hasher.DummyVerifyAsync(Ct));

        release.Set();
        await holder;
        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync("Tr0ub4dor&Zk", hash, Ct));
        started.Dispose();
    }

    [Fact]
    public void AuthOptions_Default_LeavesOneCoreFreeAndBoundsTheQueue()
    {
        var options = new AuthOptions();

        Assert.Equal(Math.Max(1, Environment.ProcessorCount - 1), options.MaxConcurrentPasswordHashes);
        Assert.Equal(AuthOptions.DefaultPasswordHashQueueLimit, options.PasswordHashQueueLimit);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
