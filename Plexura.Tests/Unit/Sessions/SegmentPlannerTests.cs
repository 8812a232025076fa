using Plexura.Core.Common;
using Plexura.Core.Sessions.Audio;

namespace Plexura.Tests.Unit.Sessions;

/// <summary>Cutting transcription segments at pauses, deterministically, covering every sample once.</summary>
public sealed class SegmentPlannerTests
{
    private const int Rate = PcmWav.SampleRate;
    private static readonly ClinicalSessionId Session = ClinicalSessionId.New();

    [Fact]
    public void Plan_SpeechWithAPauseAt70s_CutsInThePause()
    {
        var pcm = Speech(150 * Rate, pausesAt: [(70.0, 0.5)]);

        var segments = SegmentPlanner.Plan(Session, 0, 0, pcm, isFinal: false);

        var first = segments[0];
        Assert.InRange(first.EndSample, 70 * Rate, (int)(70.5 * Rate));
        Assert.Equal((0, 0L), (first.Index, first.StartSample));
    }

    [Fact]
    public void Plan_PauseBeforeTargetOnly_IsUsedOnceTheMaximumIsReached()
    {
        var pcm = Speech(121 * Rate, pausesAt: [(40.0, 0.4)]);

        var tooEarly = SegmentPlanner.Plan(Session, 0, 0, pcm.AsSpan(0, 100 * Rate), isFinal: false);
        var decided = SegmentPlanner.Plan(Session, 0, 0, pcm, isFinal: false);

        Assert.Empty(tooEarly);
        Assert.InRange(Assert.Single(decided).EndSample, 40 * Rate, (int)(40.4 * Rate));
    }

    [Fact]
    public void Plan_NoPauseAtAll_CutsWithinThirtyToOneHundredTwentySeconds()
    {
        var pcm = Speech(400 * Rate, pausesAt: []);

        var segments = SegmentPlanner.Plan(Session, 0, 0, pcm, isFinal: true);

        Assert.All(segments.SkipLast(1), s => Assert.InRange(s.Length, SegmentPlanner.MinSamples, SegmentPlanner.MaxSamples));
        AssertCoversOnce(segments, pcm.Length);
    }

    [Fact]
    public void Plan_Final_RemainderIsTheLastSegmentAndEverySampleIsCoveredOnce()
    {
        var pcm = Speech(300 * Rate, pausesAt: [(62.0, 0.3), (130.0, 0.3), (200.0, 0.3), (261.0, 0.3)]);

        var live = SegmentPlanner.Plan(Session, 0, 0, pcm, isFinal: false);
        var final = SegmentPlanner.Plan(Session, 0, 0, pcm, isFinal: true);

        Assert.Equal(live, final.Take(live.Count));
        Assert.Equal(pcm.Length, final[^1].EndSample);
        Assert.Equal(Enumerable.Range(0, final.Count), final.Select(s => s.Index));
        Assert.All(final.SkipLast(1), s => Assert.InRange(s.Length, SegmentPlanner.MinSamples, SegmentPlanner.MaxSamples));
        AssertCoversOnce(final, pcm.Length);
        Assert.InRange(final[0].EndSample, 62 * Rate, (int)(62.3 * Rate));
    }

    [Fact]
    public void Plan_GrowingAudio_FindsTheSameCutsWhateverArrivedWhenItRan()
    {
        var pcm = Speech(360 * Rate, pausesAt: [(45.0, 0.2), (75.0, 0.2), (170.0, 0.2), (230.0, 0.3), (300.0, 0.2)]);
        var reference = SegmentPlanner.Plan(Session, 0, 0, pcm, isFinal: true);

        // As a live session does: plan after every 5-second chunk from the last cut on.
        var incremental = new List<SegmentSpan>();
        long segmented = 0;
        for (var end = 5 * Rate; end <= pcm.Length; end += 5 * Rate)
        {
            var isFinal = end == pcm.Length;
            var found = SegmentPlanner.Plan(Session, incremental.Count, segmented, pcm.AsSpan((int)segmented, end - (int)segmented), isFinal);
            incremental.AddRange(found);
            segmented = incremental.Count == 0 ? 0 : incremental[^1].EndSample;
        }

        Assert.Equal(reference, incremental);
    }

    [Fact]
    public void Plan_StartOffset_ShiftsTheSpansOntoTheSessionTimeline()
    {
        var pcm = Speech(90 * Rate, pausesAt: [(61.0, 0.3)]);

        var segment = SegmentPlanner.Plan(Session, 7, 1_000_000, pcm, isFinal: false)[0];

        Assert.Equal((7, 1_000_000L), (segment.Index, segment.StartSample));
        Assert.InRange(segment.EndSample - 1_000_000, 61 * Rate, (int)(61.3 * Rate));
    }

    [Fact]
    public void Plan_ShortFinalAudio_IsOneSegmentAndEmptyAudioIsNone()
    {
        var pcm = Speech(3 * Rate, pausesAt: []);

        Assert.Equal(new SegmentSpan(Session, 0, 0, pcm.Length), Assert.Single(SegmentPlanner.Plan(Session, 0, 0, pcm, isFinal: true)));
        Assert.Empty(SegmentPlanner.Plan(Session, 0, 0, pcm, isFinal: false));
        Assert.Empty(SegmentPlanner.Plan(Session, 0, 0, [], isFinal: true));
    }

    [Theory]
    [InlineData(70.0, 0.5)]
    [InlineData(60.0, 0.2)]
    [InlineData(59.93, 0.11)]
    [InlineData(119.9, 0.3)]
    [InlineData(40.0, 0.4)]
    [InlineData(-1.0, 0.0)]
    public void FindQuietCutAfterTarget_FromTheTailAlone_AgreesWithTheWholeSegmentAtEveryLength(double pauseAt, double pauseLength)
    {
        var pcm = Speech(SegmentPlanner.DecisionSamples, pauseAt < 0 ? [] : [(pauseAt, pauseLength)]);

        // Every length a live session passes through while the segment is undecided (5 s chunks and odd sizes).
        for (var length = SegmentPlanner.TargetSamples + (SegmentPlanner.WindowSamples / 2); length < SegmentPlanner.DecisionSamples; length += 1_237)
        {
            var whole = SegmentPlanner.FindCut(pcm.AsSpan(0, length), isFinal: false);
            var tail = SegmentPlanner.FindQuietCutAfterTarget(pcm.AsSpan(SegmentPlanner.TargetStartOffset, length - SegmentPlanner.TargetStartOffset));
            Assert.Equal(whole, tail);
        }
    }

    private static void AssertCoversOnce(IReadOnlyList<SegmentSpan> segments, long length)
    {
        Assert.Equal(0, segments[0].StartSample);
        for (var i = 1; i < segments.Count; i++)
        {
            Assert.Equal(segments[i - 1].EndSample, segments[i].StartSample);
        }

        Assert.Equal(length, segments[^1].EndSample);
        Assert.All(segments, s => Assert.True(s.Length > 0));
    }

    /// <summary>Loud, varying "speech" (a deterministic pseudo-random tone mix) with near-silent pauses at the given seconds.</summary>
    private static short[] Speech(int samples, (double At, double Length)[] pausesAt)
    {
        var pcm = new short[samples];
        var random = new Random(1234);
        for (var i = 0; i < samples; i++)
        {
            var envelope = 0.5 + (0.5 * Math.Abs(Math.Sin(i * 2 * Math.PI / (Rate * 1.7))));
            pcm[i] = (short)((Math.Sin(i * 2 * Math.PI * 220 / Rate) * 6000 * envelope) + random.Next(-3000, 3000));
        }

        foreach (var (at, length) in pausesAt)
        {
            var from = (int)(at * Rate);
            var to = Math.Min(samples, (int)((at + length) * Rate));
            for (var i = from; i < to; i++)
            {
                pcm[i] = (short)random.Next(-40, 40);
            }
        }

        return pcm;
    }
}
