using System.Buffers.Binary;

namespace Plexura.Core.Sessions.Audio;

/// <summary>The one audio format the recorder sends and transcription receives: a canonical WAV of 16 kHz mono 16-bit PCM.</summary>
/// <remarks>
/// The header is exactly 44 bytes: <c>RIFF</c>, the file size - 8, <c>WAVE</c>, a 16-byte <c>fmt </c> chunk (PCM = 1,
/// one channel, 16000 Hz, byte rate 32000, block align 2, 16 bits) and a <c>data</c> chunk whose size is the rest of
/// the file. Anything else is refused rather than guessed at, so stored audio is always exactly these samples.
/// </remarks>
public static class PcmWav
{
    /// <summary>Samples per second.</summary>
    public const int SampleRate = 16_000;

    /// <summary>Bytes per sample.</summary>
    public const int BytesPerSample = 2;

    /// <summary>The canonical header's length.</summary>
    public const int HeaderSize = 44;

    /// <summary>The duration of <paramref name="samples"/> samples.</summary>
    public static TimeSpan Duration(long samples) => TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / SampleRate);

    /// <summary>
    /// The samples of a canonical 16 kHz mono 16-bit WAV, or null with the reason (fixed text, safe to show) when the bytes
    /// are anything else: another format, a truncated or padded file, an odd number of sample bytes, or no samples.
    /// </summary>
    public static ReadOnlyMemory<byte>? TryReadSamples(ReadOnlyMemory<byte> wav, out string? problem)
    {
        var bytes = wav.Span;
        problem = null;
        if (bytes.Length < HeaderSize
            || !bytes[..4].SequenceEqual("RIFF"u8)
            || !bytes.Slice(8, 4).SequenceEqual("WAVE"u8)
            || !bytes.Slice(12, 4).SequenceEqual("fmt "u8)
            || !bytes.Slice(36, 4).SequenceEqual("data"u8))
        {
            problem = "The audio is not a WAV file with the canonical 44-byte header.";
            return null;
        }

        if (BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]) != 16
            || BinaryPrimitives.ReadInt16LittleEndian(bytes[20..]) != 1
            || BinaryPrimitives.ReadInt16LittleEndian(bytes[22..]) != 1
            || BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]) != SampleRate
            || BinaryPrimitives.ReadInt32LittleEndian(bytes[28..]) != SampleRate * BytesPerSample
            || BinaryPrimitives.ReadInt16LittleEndian(bytes[32..]) != BytesPerSample
            || BinaryPrimitives.ReadInt16LittleEndian(bytes[34..]) != 16)
        {
            problem = "The audio must be 16 kHz mono 16-bit PCM.";
            return null;
        }

        var dataSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[40..]);
        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        if (dataSize != bytes.Length - HeaderSize || riffSize != bytes.Length - 8)
        {
            problem = "The WAV header's sizes do not match the file.";
            return null;
        }

        if (dataSize == 0 || dataSize % BytesPerSample != 0)
        {
            problem = "The audio must hold a whole number of samples, at least one.";
            return null;
        }

        return wav[HeaderSize..];
    }

    /// <summary>A canonical WAV of <paramref name="samples"/> (little-endian 16-bit sample bytes).</summary>
    public static byte[] Write(ReadOnlySpan<byte> samples)
    {
        var wav = new byte[HeaderSize + samples.Length];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], wav.Length - 8);
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SampleRate * BytesPerSample);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], BytesPerSample);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], samples.Length);
        samples.CopyTo(span[HeaderSize..]);
        return wav;
    }

    /// <summary>A canonical WAV of 16-bit <paramref name="samples"/>.</summary>
    public static byte[] Write(ReadOnlySpan<short> samples)
    {
        var bytes = new byte[samples.Length * BytesPerSample];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * BytesPerSample), samples[i]);
        }

        return Write(bytes);
    }

    /// <summary>Little-endian sample bytes as samples.</summary>
    public static short[] ToSamples(ReadOnlySpan<byte> bytes)
    {
        var samples = new short[bytes.Length / BytesPerSample];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(i * BytesPerSample)..]);
        }

        return samples;
    }
}
