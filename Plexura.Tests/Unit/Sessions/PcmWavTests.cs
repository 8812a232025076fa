using System.Buffers.Binary;
using Plexura.Core.Sessions.Audio;

namespace Plexura.Tests.Unit.Sessions;

/// <summary>The strict canonical WAV header check.</summary>
public sealed class PcmWavTests
{
    [Fact]
    public void TryReadSamples_WrittenWav_GivesBackTheSamples()
    {
        short[] samples = [1, -2, 300, short.MinValue, short.MaxValue];

        var read = PcmWav.TryReadSamples(PcmWav.Write(samples), out var problem);

        Assert.Null(problem);
        Assert.Equal(samples, PcmWav.ToSamples(read!.Value.Span));
    }

    public static TheoryData<string, byte[]> Broken()
    {
        var good = PcmWav.Write(new short[100]);
        byte[] With(int offset, Action<byte[]> change)
        {
            var copy = (byte[])good.Clone();
            change(copy);
            return copy;
        }

        return new TheoryData<string, byte[]>
        {
            { "garbage", "not a wav file at all, just some text that is long enough"u8.ToArray() },
            { "too short", good[..20] },
            { "stereo", With(22, b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(22), 2)) },
            { "44.1 kHz", With(24, b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(24), 44100)) },
            { "float", With(20, b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(20), 3)) },
            { "8-bit", With(34, b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(34), 8)) },
            { "truncated", good[..^10] },
            { "padded", [.. good, 0, 0] },
            { "no samples", PcmWav.Write(ReadOnlySpan<byte>.Empty) },
            { "odd bytes", PcmWav.Write(new byte[3]) },
        };
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void TryReadSamples_AnythingElse_IsRefusedWithAReason(string label, byte[] bytes)
    {
        var read = PcmWav.TryReadSamples(bytes, out var problem);

        Assert.True(read is null, label);
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }
}
