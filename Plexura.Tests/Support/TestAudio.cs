using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Plexura.Tests.Support;

/// <summary>Test audio: spoken sentences from espeak-ng and silence, as 16 kHz mono 16-bit WAV files (the recorder's format).</summary>
public static class TestAudio
{
    /// <summary>Samples per second of every file made here.</summary>
    public const int SampleRate = 16000;

    private static readonly ConcurrentDictionary<string, Lazy<Task<byte[]>>> Spoken = new(StringComparer.Ordinal);

    /// <summary>A WAV of <paramref name="text"/> spoken by espeak-ng, resampled by ffmpeg (made once per text and cached).</summary>
    public static Task<byte[]> SpeechWavAsync(string text) =>
        Spoken.GetOrAdd(text, t => new Lazy<Task<byte[]>>(() => MakeSpeechAsync(t))).Value;

    /// <summary>A WAV of digital silence lasting <paramref name="duration"/>.</summary>
    public static byte[] SilenceWav(TimeSpan duration) => Wav(new byte[(int)(duration.TotalSeconds * SampleRate) * 2]);

    /// <summary>A canonical 44-byte-header WAV around 16 kHz mono s16le <paramref name="pcm"/>.</summary>
    public static byte[] Wav(ReadOnlySpan<byte> pcm)
    {
        var wav = new byte[44 + pcm.Length];
        var w = new BinaryWriter(new MemoryStream(wav));
        w.Write(Encoding.ASCII.GetBytes("RIFF"));
        w.Write(36 + pcm.Length);
        w.Write(Encoding.ASCII.GetBytes("WAVEfmt "));
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(SampleRate);
        w.Write(SampleRate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write(Encoding.ASCII.GetBytes("data"));
        w.Write(pcm.Length);
        w.Flush();
        pcm.CopyTo(wav.AsSpan(44));
        return wav;
    }

    /// <summary>The length of a canonical WAV made here.</summary>
    public static TimeSpan DurationOf(byte[] wav) => TimeSpan.FromSeconds((wav.Length - 44) / 2.0 / SampleRate);

    private static async Task<byte[]> MakeSpeechAsync(string text)
    {
        var folder = Directory.CreateTempSubdirectory("plexura-audio-");
        try
        {
            var raw = Path.Combine(folder.FullName, "speech.wav");
            var converted = Path.Combine(folder.FullName, "speech16k.wav");
            await RunAsync("espeak-ng", ["-w", raw, text]);
            await RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", raw, "-ac", "1", "-ar", "16000", "-sample_fmt", "s16", "-bitexact", "-map_metadata", "-1", "-f", "s16le", converted]);
            return Wav(await File.ReadAllBytesAsync(converted));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        _ = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await stderr}");
        }
    }
}
