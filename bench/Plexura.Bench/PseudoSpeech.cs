using Plexura.Core.Sessions.Audio;

namespace Plexura.Bench;

/// <summary>Deterministic synthetic "speech": voiced syllables in phrases of 1-4 s, separated by quiet pauses of 0.3-1.2 s.</summary>
/// <remarks>
/// Syllables are three harmonics of a 100-220 Hz fundamental under a raised-cosine envelope (peak about 4,000, well
/// above the planner's silence threshold); pauses are low noise (RMS about 17, below it), so the segment planner finds
/// cuts near its 60 s target as it would in a conversation.
/// </remarks>
internal static class PseudoSpeech
{
    /// <summary>5-second chunks (complete WAV files, 160,000 sample bytes each) of one continuous stream.</summary>
    public static byte[][] Chunks(int count, int seed)
    {
        const int chunkSamples = 5 * PcmWav.SampleRate;
        var samples = Samples((long)count * chunkSamples, seed);
        var chunks = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            chunks[i] = PcmWav.Write(samples.AsSpan(i * chunkSamples, chunkSamples));
        }

        return chunks;
    }

    private static short[] Samples(long length, int seed)
    {
        var random = new Random(seed);
        var output = new short[length];
        var position = 0L;
        while (position < length)
        {
            // A phrase of syllables, then a pause.
            var phraseEnd = position + random.Next(PcmWav.SampleRate, 4 * PcmWav.SampleRate);
            while (position < phraseEnd && position < length)
            {
                var syllable = random.Next(PcmWav.SampleRate * 15 / 100, PcmWav.SampleRate * 30 / 100);
                var f0 = random.Next(100, 220);
                for (var i = 0; i < syllable && position < length; i++, position++)
                {
                    var t = (double)position / PcmWav.SampleRate;
                    var envelope = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / syllable));
                    var voice = Math.Sin(2 * Math.PI * f0 * t) + (0.5 * Math.Sin(4 * Math.PI * f0 * t)) + (0.25 * Math.Sin(6 * Math.PI * f0 * t));
                    output[position] = (short)((4000 * envelope * voice / 1.75) + random.Next(-30, 31));
                }

                var gap = random.Next(PcmWav.SampleRate * 3 / 100, PcmWav.SampleRate * 8 / 100);
                for (var i = 0; i < gap && position < length; i++, position++)
                {
                    output[position] = (short)random.Next(-30, 31);
                }
            }

            var pause = random.Next(PcmWav.SampleRate * 3 / 10, PcmWav.SampleRate * 12 / 10);
            for (var i = 0; i < pause && position < length; i++, position++)
            {
                output[position] = (short)random.Next(-30, 31);
            }
        }

        return output;
    }
}
