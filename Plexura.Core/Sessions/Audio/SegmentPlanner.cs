using Plexura.Core.Common;

namespace Plexura.Core.Sessions.Audio;

/// <summary>Cuts a session's audio into transcription segments at pauses, from the stored samples alone.</summary>
/// <remarks>
/// <para>A segment ends in the middle of a quiet 100 ms window between 30 s and 120 s after its start. Windows are
/// looked at every 10 ms; a window is quiet when its mean square is at most <see cref="SilenceMeanSquare"/> (an RMS of
/// about -44 dBFS). The first quiet window whose middle is at or after the 60 s target ends the segment as soon as it
/// has been received; when there is none up to 120 s, the quietest window between 30 s and 120 s does (the earliest of
/// equals). After stop, the cuts are the same ones and whatever remains after the last of them (at most 120 s) is the last
/// segment, so a segment cut while the session ran is never cut differently at the end.</para>
/// <para>Every decision depends only on the samples, never on how many had arrived when the planner ran: the planner
/// answers "not yet" until the samples that decide a cut are there. So a re-run over the same stored audio finds the
/// same cuts, and a job queued twice for the same segment carries the same span.</para>
/// </remarks>
public static class SegmentPlanner
{
    /// <summary>The shortest segment, except the last.</summary>
    public const int MinSamples = 30 * PcmWav.SampleRate;

    /// <summary>The length the planner aims for.</summary>
    public const int TargetSamples = 60 * PcmWav.SampleRate;

    /// <summary>The longest segment.</summary>
    public const int MaxSamples = 120 * PcmWav.SampleRate;

    /// <summary>The length of the window whose loudness is measured (100 ms).</summary>
    public const int WindowSamples = PcmWav.SampleRate / 10;

    /// <summary>How far apart windows start (10 ms).</summary>
    public const int HopSamples = PcmWav.SampleRate / 100;

    /// <summary>A window at most this loud (mean of squared samples) counts as a pause: an RMS of 200, about -44 dBFS.</summary>
    public const long SilenceMeanSquare = 200L * 200L;

    /// <summary>How many samples after a segment's start the planner may need before it can decide the cut.</summary>
    public const int DecisionSamples = MaxSamples + (WindowSamples / 2);

    /// <summary>The segments that can be cut from <paramref name="samples"/>, which start at <paramref name="startSample"/> where segment <paramref name="firstIndex"/> begins.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="firstIndex">The index of the first segment found.</param>
    /// <param name="startSample">Where <paramref name="samples"/> starts on the session's timeline.</param>
    /// <param name="samples">All stored samples from <paramref name="startSample"/> on, contiguous.</param>
    /// <param name="isFinal">True when no more audio will come (the session stopped and every chunk is stored): the rest becomes the last segment.</param>
    /// <returns>The complete segments, in order, covering a prefix of <paramref name="samples"/> exactly once.</returns>
    public static IReadOnlyList<SegmentSpan> Plan(ClinicalSessionId sessionId, int firstIndex, long startSample, ReadOnlySpan<short> samples, bool isFinal)
    {
        var segments = new List<SegmentSpan>();
        var offset = 0;
        while (offset < samples.Length && FindCut(samples[offset..], isFinal) is { } cut)
        {
            segments.Add(new SegmentSpan(sessionId, firstIndex + segments.Count, startSample + offset, startSample + offset + cut));
            offset += cut;
        }

        return segments;
    }

    /// <summary>Where the segment that starts at <paramref name="samples"/>[0] ends, or null when more audio is needed to decide.</summary>
    /// <remarks>With <paramref name="isFinal"/>, the cut a live run would make, or else all of the rest (which is then at most 120 s).</remarks>
    public static int? FindCut(ReadOnlySpan<short> samples, bool isFinal)
    {
        if (samples.Length == 0)
        {
            return null;
        }

        return FindLiveCut(samples) ?? (isFinal ? samples.Length : null);
    }

    /// <summary>Where the pause a live run would cut at lies, from the samples after the target alone; null when none is there (yet).</summary>
    /// <param name="fromTarget">The segment's samples from <see cref="TargetStartOffset"/> on (what was received so far, at most up to <see cref="DecisionSamples"/>).</param>
    /// <returns>The cut (samples after the segment's start), the same one <see cref="FindCut"/> finds when a quiet window after the target exists.</returns>
    /// <remarks>
    /// Lets the scheduler, while a segment is undecided, read about 5 s of audio per chunk instead of everything since
    /// the segment's start: the first quiet window at or after the target depends only on the samples from there on. A
    /// null answer before <see cref="DecisionSamples"/> are in matches <see cref="FindCut"/>'s "not yet"; from there on
    /// the quietest window between 30 s and 120 s is needed, so <see cref="Plan"/> must run over the whole segment.
    /// </remarks>
    public static int? FindQuietCutAfterTarget(ReadOnlySpan<short> fromTarget)
    {
        const int windows = (MaxSamples - TargetSamples) / HopSamples + 1;
        var available = Math.Min(windows, ((fromTarget.Length - WindowSamples) / HopSamples) + 1);
        if (available <= 0)
        {
            return null;
        }

        // The same exact integer energies as FindLiveCut: whole 10 ms blocks, summed per window.
        const int blocksPerWindow = WindowSamples / HopSamples;
        var running = 0L;
        for (var b = 0; b < blocksPerWindow; b++)
        {
            running += Energy(fromTarget.Slice(b * HopSamples, HopSamples));
        }

        for (var k = 0; ; k++)
        {
            if (running <= SilenceMeanSquare * WindowSamples)
            {
                return TargetSamples + (k * HopSamples);
            }

            if (k + 1 >= available)
            {
                return null;
            }

            running += Energy(fromTarget.Slice((k + blocksPerWindow) * HopSamples, HopSamples)) - Energy(fromTarget.Slice(k * HopSamples, HopSamples));
        }
    }

    /// <summary>Where, after a segment's start, the samples that <see cref="FindQuietCutAfterTarget"/> looks at begin.</summary>
    public const int TargetStartOffset = TargetSamples - (WindowSamples / 2);

    private static int? FindLiveCut(ReadOnlySpan<short> samples)
    {
        // Window k covers [first + k * hop, first + k * hop + window); its middle runs from MinSamples to MaxSamples.
        const int first = MinSamples - (WindowSamples / 2);
        const int windowCount = ((MaxSamples - MinSamples) / HopSamples) + 1;
        const int targetWindow = (TargetSamples - MinSamples) / HopSamples;
        const int blocksPerWindow = WindowSamples / HopSamples;
        var available = Math.Min(windowCount, ((samples.Length - first - WindowSamples) / HopSamples) + 1);
        if (available <= targetWindow)
        {
            return null;
        }

        // Windows are whole 10 ms blocks, so each window's energy is a running sum of block energies.
        var blocks = new long[available - 1 + blocksPerWindow];
        for (var b = 0; b < blocks.Length; b++)
        {
            blocks[b] = Energy(samples.Slice(first + (b * HopSamples), HopSamples));
        }

        var energies = new long[available];
        var running = 0L;
        for (var b = 0; b < blocksPerWindow; b++)
        {
            running += blocks[b];
        }

        energies[0] = running;
        for (var k = 1; k < available; k++)
        {
            running += blocks[k - 1 + blocksPerWindow] - blocks[k - 1];
            energies[k] = running;
        }

        for (var k = targetWindow; k < available; k++)
        {
            if (energies[k] <= SilenceMeanSquare * WindowSamples)
            {
                return Middle(k);
            }
        }

        if (available < windowCount)
        {
            return null;
        }

        var quietest = 0;
        for (var k = 1; k < available; k++)
        {
            if (energies[k] < energies[quietest])
            {
                quietest = k;
            }
        }

        return Middle(quietest);

        static int Middle(int k) => first + (k * HopSamples) + (WindowSamples / 2);
    }

    private static long Energy(ReadOnlySpan<short> window)
    {
        long sum = 0;
        foreach (var s in window)
        {
            sum += s * s;
        }

        return sum;
    }
}
