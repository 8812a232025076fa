namespace Plexura.Tests.Support;

/// <summary>Waits for a condition that background work makes true (not a fixed sleep: it returns as soon as it holds).</summary>
public static class Eventually
{
    /// <summary>Checks <paramref name="condition"/> until it holds; fails after <paramref name="timeout"/> (default 20 s).</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>As <see cref="HoldsAsync(Func{Task{bool}}, string, TimeSpan?)"/> for a synchronous condition.</summary>
    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeout);
}
