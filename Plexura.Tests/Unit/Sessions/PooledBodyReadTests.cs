using Plexura.Web.Endpoints;

namespace Plexura.Tests.Unit.Sessions;

/// <summary>The chunk endpoint's body read: one pooled buffer, bounded, whatever the client declared.</summary>
public sealed class PooledBodyReadTests
{
    private const int Max = 1024 * 1024;

    [Theory]
    [InlineData(160_044, true)]
    [InlineData(160_044, false)]
    [InlineData(Max, true)]
    [InlineData(Max, false)]
    [InlineData(0, false)]
    public async Task ReadsTheWholeBody_WithOrWithoutADeclaredLength(int length, bool declared)
    {
        var bytes = Bytes(length);

        using var body = await EndpointHelpers.ReadBoundedPooledAsync(new TrickleStream(bytes), declared ? length : null, Max, CancellationToken.None);

        Assert.NotNull(body);
        Assert.Equal(bytes, body.Memory.ToArray());
    }

    [Theory]
    [InlineData(Max + 1, null)]
    [InlineData(Max + 1, 1_000L)]
    [InlineData(3 * Max, null)]
    public async Task ALongerBody_IsRefused_WhateverWasDeclared(int length, long? declared)
    {
        var stream = new TrickleStream(Bytes(length));

        var body = await EndpointHelpers.ReadBoundedPooledAsync(stream, declared, Max, CancellationToken.None);

        Assert.Null(body);
        Assert.True(stream.Position <= Max + 65_536, $"read {stream.Position} bytes: reading must stop soon past the limit");
    }

    [Fact]
    public async Task ADeclaredLengthSmallerThanTheBody_StillReadsAllOfIt()
    {
        var bytes = Bytes(200_000);

        using var body = await EndpointHelpers.ReadBoundedPooledAsync(new TrickleStream(bytes), 1_000, Max, CancellationToken.None);

        Assert.Equal(bytes, body!.Memory.ToArray());
    }

    [Fact]
    public async Task Disposed_TheBodyIsNoLongerReachable()
    {
        var body = await EndpointHelpers.ReadBoundedPooledAsync(new MemoryStream(Bytes(100)), 100, Max, CancellationToken.None);

        body!.Dispose();
        body.Dispose();

        Assert.Throws<ObjectDisposedException>(() => body.Memory);
    }

    private static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A stream that answers at most 7,000 bytes per read, as a socket does.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 7_000)], cancellationToken);
    }
}
