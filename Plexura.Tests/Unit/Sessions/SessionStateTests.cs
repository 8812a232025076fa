using Plexura.Core.Common;
using Plexura.Core.Sessions;

namespace Plexura.Tests.Unit.Sessions;

/// <summary>The legal moves between session states.</summary>
public sealed class SessionStateTests
{
    public static TheoryData<ClinicalSessionStatus, ClinicalSessionStatus> Allowed => new()
    {
        { ClinicalSessionStatus.Recording, ClinicalSessionStatus.Paused },
        { ClinicalSessionStatus.Recording, ClinicalSessionStatus.Stopped },
        { ClinicalSessionStatus.Paused, ClinicalSessionStatus.Recording },
        { ClinicalSessionStatus.Paused, ClinicalSessionStatus.Stopped },
        { ClinicalSessionStatus.Stopped, ClinicalSessionStatus.Transcribing },
        { ClinicalSessionStatus.Stopped, ClinicalSessionStatus.Transcribed },
        { ClinicalSessionStatus.Stopped, ClinicalSessionStatus.Failed },
        { ClinicalSessionStatus.Transcribing, ClinicalSessionStatus.Transcribed },
        { ClinicalSessionStatus.Transcribing, ClinicalSessionStatus.Failed },
        { ClinicalSessionStatus.Failed, ClinicalSessionStatus.Transcribing },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void MoveTo_AllowedMove_ChangesTheStatus(ClinicalSessionStatus from, ClinicalSessionStatus to)
    {
        var moved = Session(from).MoveTo(to);

        Assert.Equal(to, moved.Status);
    }

    [Fact]
    public void MoveTo_EveryOtherPair_IsRefusedWithBothStatesNamed()
    {
        var allowed = Allowed.Select(row => ((ClinicalSessionStatus)row[0], (ClinicalSessionStatus)row[1])).ToHashSet();
        var all = Enum.GetValues<ClinicalSessionStatus>();

        foreach (var from in all)
        {
            foreach (var to in all.Where(to => !allowed.Contains((from, to))))
            {
                Assert.False(ClinicalSessionTransitions.IsAllowed(from, to), $"{from} -> {to}");
                var error = Assert.Throws<InvalidSessionTransitionException>(() => Session(from).MoveTo(to));
                Assert.Contains(from.ToString().ToLowerInvariant(), error.Message, StringComparison.Ordinal);
                Assert.Contains(to.ToString().ToLowerInvariant(), error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData(ClinicalSessionStatus.Recording, true)]
    [InlineData(ClinicalSessionStatus.Paused, true)]
    [InlineData(ClinicalSessionStatus.Stopped, false)]
    [InlineData(ClinicalSessionStatus.Transcribing, false)]
    [InlineData(ClinicalSessionStatus.Transcribed, false)]
    [InlineData(ClinicalSessionStatus.Failed, false)]
    public void IsOpen_OnlyWhileRecordingOrPaused(ClinicalSessionStatus status, bool open) =>
        Assert.Equal(open, Session(status).IsOpen);

    private static ClinicalSession Session(ClinicalSessionStatus status) =>
        new(ClinicalSessionId.New(), PracticeId.New(), ClientId.New(), UserId.New(), DateTimeOffset.UnixEpoch, status, []);
}
