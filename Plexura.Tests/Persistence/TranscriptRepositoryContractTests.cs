using Plexura.Core.Common;
using Plexura.Core.Practices;
using Plexura.Core.Transcription;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The transcript storage contract: every engine must pass exactly these tests.</summary>
public abstract class TranscriptRepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private ITranscriptRepository Transcripts => fixture.Get<ITranscriptRepository>();

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [EngineFact]
    public async Task SegmentAdd_ThenGet_ReturnsItWithItsRevisionsAndTimes()
    {
        var practice = await NewPracticeAsync();
        var segment = Segment(practice, ClinicalSessionId.New(), 3);

        Assert.True(await Transcripts.TryAddSegmentAsync(practice, segment, Ct));
        var loaded = await Transcripts.GetSegmentAsync(practice, segment.SessionId, 3, Ct);

        Assert.NotNull(loaded);
        Assert.Equal((segment.Start, segment.End, segment.Model, 0L), (loaded.Start, loaded.End, loaded.Model, loaded.Version));
        Assert.Equal(segment.Revisions, loaded.Revisions);
    }

    [EngineFact]
    public async Task SegmentAdd_SameSegmentTwice_KeepsTheFirstAndReportsFalse()
    {
        var practice = await NewPracticeAsync();
        var segment = Segment(practice, ClinicalSessionId.New(), 0, "first");

        Assert.True(await Transcripts.TryAddSegmentAsync(practice, segment, Ct));
        Assert.False(await Transcripts.TryAddSegmentAsync(practice, Segment(practice, segment.SessionId, 0, "second"), Ct));

        Assert.Equal("first", (await Transcripts.GetSegmentAsync(practice, segment.SessionId, 0, Ct))!.Current.ProtectedSpans);
    }

    [EngineFact]
    public async Task SegmentList_ReturnsOnlyThatSessionsInIndexOrder()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        foreach (var index in new[] { 10, 2, 0, 1 })
        {
            await Transcripts.TryAddSegmentAsync(practice, Segment(practice, session, index), Ct);
        }

        await Transcripts.TryAddSegmentAsync(practice, Segment(practice, ClinicalSessionId.New(), 5), Ct);

        Assert.Equal([0, 1, 2, 10], (await Transcripts.ListSegmentsAsync(practice, session, Ct)).Select(s => s.Index));
    }

    [EngineFact]
    public async Task SegmentReplace_AppendsARevision_AndAStaleCopyConflicts()
    {
        var practice = await NewPracticeAsync();
        var segment = Segment(practice, ClinicalSessionId.New(), 0);
        await Transcripts.TryAddSegmentAsync(practice, segment, Ct);
        var corrected = segment with { Revisions = [.. segment.Revisions, new TranscriptRevision(1, UserId.New(), Now, "sealed-1")] };

        var stored = await Transcripts.ReplaceSegmentAsync(practice, corrected, Ct);

        Assert.Equal(1, stored.Version);
        Assert.Equal([0, 1], (await Transcripts.GetSegmentAsync(practice, segment.SessionId, 0, Ct))!.Revisions.Select(r => r.Number));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Transcripts.ReplaceSegmentAsync(practice, corrected, Ct));
    }

    [EngineFact]
    public async Task Speakers_AddThenReplace_KeepsEveryNaming_AndASecondAddConflicts()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        var first = new TranscriptSpeakers(session.ToString(), practice, session, [new SpeakerNaming("A", SpeakerRole.Clinician, UserId.New(), Now)]);

        Assert.Null(await Transcripts.GetSpeakersAsync(practice, session, Ct));
        await Transcripts.SaveSpeakersAsync(practice, first, isNew: true, Ct);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Transcripts.SaveSpeakersAsync(practice, first, isNew: true, Ct));
        var loaded = (await Transcripts.GetSpeakersAsync(practice, session, Ct))!;
        await Transcripts.SaveSpeakersAsync(
            practice, loaded with { Namings = [.. loaded.Namings, new SpeakerNaming("A", SpeakerRole.Client, UserId.New(), Now)] }, isNew: false, Ct);

        var again = (await Transcripts.GetSpeakersAsync(practice, session, Ct))!;
        Assert.Equal([SpeakerRole.Clinician, SpeakerRole.Client], again.Namings.Select(n => n.Role));
        Assert.Equal(SpeakerRole.Client, again.Current["A"]);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Transcripts.SaveSpeakersAsync(practice, loaded, isNew: false, Ct));
    }

    [EngineFact]
    public async Task Transcript_EveryMethodFromAnotherPractice_IsNotFound()
    {
        var mine = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = Segment(other, ClinicalSessionId.New(), 0);
        await Transcripts.TryAddSegmentAsync(other, theirs, Ct);
        var speakers = new TranscriptSpeakers(theirs.SessionId.ToString(), other, theirs.SessionId, [new SpeakerNaming("A", SpeakerRole.Other, UserId.New(), Now)]);
        await Transcripts.SaveSpeakersAsync(other, speakers, isNew: true, Ct);

        Assert.Null(await Transcripts.GetSegmentAsync(mine, theirs.SessionId, 0, Ct));
        Assert.Empty(await Transcripts.ListSegmentsAsync(mine, theirs.SessionId, Ct));
        Assert.Null(await Transcripts.GetSpeakersAsync(mine, theirs.SessionId, Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => Transcripts.ReplaceSegmentAsync(mine, theirs, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Transcripts.TryAddSegmentAsync(mine, theirs, Ct));

        Assert.NotNull(await Transcripts.GetSegmentAsync(other, theirs.SessionId, 0, Ct));
        Assert.Single((await Transcripts.GetSegmentAsync(other, theirs.SessionId, 0, Ct))!.Revisions);
    }

    private TranscriptSegment Segment(PracticeId practice, ClinicalSessionId session, int index, string sealedText = "sealed-0") =>
        new(TranscriptSegment.IdFor(session, index), practice, session, index, TimeSpan.FromSeconds(60 * index), TimeSpan.FromSeconds((60 * index) + 59.5),
            "gpt-4o-transcribe", [new TranscriptRevision(0, null, Now, sealedText)]);

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = new Practice(PracticeId.New(), "Practice", Now);
        await fixture.Get<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        return practice.Id;
    }
}

public sealed class SqliteTranscriptRepositoryContractTests(SqliteStorageFixture fixture)
    : TranscriptRepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoTranscriptRepositoryContractTests(MongoStorageFixture fixture)
    : TranscriptRepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
