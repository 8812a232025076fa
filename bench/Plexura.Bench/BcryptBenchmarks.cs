using System.Diagnostics;
using Microsoft.Extensions.Options;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Identity;

namespace Plexura.Bench;

/// <summary>One work factor, timed single-threaded.</summary>
internal sealed record BcryptFactorResult(int WorkFactor, LatencySummary Hash, LatencySummary Verify);

/// <summary>Verifications by parallel callers through the shared limiter.</summary>
internal sealed record BcryptThroughputResult(int WorkFactor, int Callers, int Permits, int Verifications, double Seconds, double CpuSeconds)
{
    public double Rate => Verifications / Seconds;
}

/// <summary>The real <see cref="BcryptPasswordHasher"/> at factors 10-13, and its throughput behind the limiter.</summary>
/// <remarks>
/// Hashing and verifying go through the hasher's public path (<c>HashAsync</c>/<c>VerifyAsync</c>), so the limiter's
/// cost is included; with one caller it never waits. Each factor gets one untimed hash and verification first (JIT).
/// </remarks>
internal sealed class BcryptBenchmarks(BenchOptions options)
{
    private const string Password = "Violet-Harbor-73!";
    private static readonly int[] Factors = [10, 11, 12, 13];

    public async Task<(IReadOnlyList<BcryptFactorResult> Factors, IReadOnlyList<BcryptThroughputResult> Throughput)> RunAllAsync()
    {
        var factors = new List<BcryptFactorResult>();
        foreach (var factor in Factors)
        {
            factors.Add(await TimeFactorAsync(factor));
        }

        var defaultPermits = new AuthOptions().MaxConcurrentPasswordHashes;
        var throughput = new List<BcryptThroughputResult>
        {
            await ThroughputAsync(AuthOptions.DefaultBcryptWorkFactor, callers: 1, permits: defaultPermits),
            await ThroughputAsync(AuthOptions.DefaultBcryptWorkFactor, callers: 2, permits: defaultPermits),
        };
        if (defaultPermits < 2)
        {
            // What the cap costs: the same two callers with a permit each (every core hashing).
            throughput.Add(await ThroughputAsync(AuthOptions.DefaultBcryptWorkFactor, callers: 2, permits: 2));
        }

        return (factors, throughput);
    }

    private async Task<BcryptFactorResult> TimeFactorAsync(int factor)
    {
        var iterations = Math.Max(5, (int)(options.Iterations * Math.Pow(2, AuthOptions.DefaultBcryptWorkFactor - factor)));
        Console.WriteLine($"bcrypt factor {factor}: {iterations} hashes and {iterations} verifications, one thread ...");
        using var limiter = new PasswordHashingLimiter(permits: 1, queueLimit: 0);
        var hasher = Hasher(factor, limiter);

        var hash = await hasher.HashAsync(Password, CancellationToken.None);
        await hasher.VerifyAsync(Password, hash, CancellationToken.None);

        var hashTicks = new List<long>(iterations);
        var verifyTicks = new List<long>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            var begun = Stopwatch.GetTimestamp();
            hash = await hasher.HashAsync(Password, CancellationToken.None);
            hashTicks.Add(Stopwatch.GetTimestamp() - begun);

            begun = Stopwatch.GetTimestamp();
            var verification = await hasher.VerifyAsync(Password, hash, CancellationToken.None);
            verifyTicks.Add(Stopwatch.GetTimestamp() - begun);
            if (!verification.Succeeded)
            {
                throw new InvalidOperationException($"A fresh factor-{factor} hash did not verify.");
            }
        }

        var result = new BcryptFactorResult(factor, LatencySummary.Of(hashTicks), LatencySummary.Of(verifyTicks));
        ResultTable.PrintLine(result);
        return result;
    }

    /// <summary>Runs <paramref name="callers"/> loops of verifications for a fixed time through one limiter.</summary>
    private async Task<BcryptThroughputResult> ThroughputAsync(int factor, int callers, int permits)
    {
        var seconds = Math.Max(5, options.Iterations / 2);
        Console.WriteLine($"bcrypt factor {factor}: {callers} caller(s), limiter {permits} permit(s), {seconds} s ...");
        using var limiter = new PasswordHashingLimiter(permits, AuthOptions.DefaultPasswordHashQueueLimit);
        var hasher = Hasher(factor, limiter);
        var hash = await hasher.HashAsync(Password, CancellationToken.None);

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var counts = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            var done = 0;
            while (stopwatch.Elapsed < deadline)
            {
                await hasher.VerifyAsync(Password, hash, CancellationToken.None);
                done++;
            }

            return done;
        })));
        stopwatch.Stop();
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;

        var result = new BcryptThroughputResult(factor, callers, permits, counts.Sum(), stopwatch.Elapsed.TotalSeconds, cpuSeconds);
        ResultTable.PrintLine(result);
        return result;
    }

    private static BcryptPasswordHasher Hasher(int factor, PasswordHashingLimiter limiter) =>
        new(Options.Create(new AuthOptions { BcryptWorkFactor = factor }), limiter);
}
