using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Plexura.Core.Common;
using Plexura.Core.Notes.Drafting;
using Plexura.Tests.Fakes;

namespace Plexura.Tests.Drafting;

/// <summary>The in-process drafting feed: per practice and note, thread-safe, and clean to leave.</summary>
public sealed class InProcessNoteDraftFeedTests
{
    private static readonly PracticeId PracticeA = new(Guid.CreateVersion7());
    private static readonly PracticeId PracticeB = new(Guid.CreateVersion7());
    private static readonly NoteId Note = NoteId.New();

    private readonly ConcurrentQueue<string> _logs = new();
    private readonly InProcessNoteDraftFeed _feed;

    public InProcessNoteDraftFeedTests()
    {
        var loggers = LoggerFactory.Create(b => b.AddProvider(new CapturingLoggerProvider(_logs)));
        _feed = new InProcessNoteDraftFeed(loggers.CreateLogger<InProcessNoteDraftFeed>());
    }

    [Fact]
    public void Progress_reaches_the_subscribers_of_that_note_in_that_practice_only()
    {
        var mine = new List<DraftProgress>();
        var otherPractice = new List<DraftProgress>();
        var otherNote = new List<DraftProgress>();
        using var a = _feed.Subscribe(PracticeA, Note, mine.Add);
        using var b = _feed.Subscribe(PracticeB, Note, otherPractice.Add);
        using var c = _feed.Subscribe(PracticeA, NoteId.New(), otherNote.Add);

        var progress = Progress();
        _feed.Publish(PracticeA, Note, progress);

        Assert.Equal([progress], mine);
        Assert.Empty(otherPractice);
        Assert.Empty(otherNote);
    }

    [Fact]
    public void A_disposed_subscription_hears_nothing_more_and_the_note_is_forgotten()
    {
        var seen = new List<DraftProgress>();
        var subscription = _feed.Subscribe(PracticeA, Note, seen.Add);
        _feed.Publish(PracticeA, Note, Progress());
        subscription.Dispose();
        subscription.Dispose();
        _feed.Publish(PracticeA, Note, Progress());

        Assert.Single(seen);
        Assert.Equal(0, _feed.WatchedNotes);
    }

    [Fact]
    public void A_subscriber_that_throws_does_not_stop_the_others_and_its_message_is_not_logged()
    {
        var seen = new List<DraftProgress>();
        using var broken = _feed.Subscribe(PracticeA, Note, _ => throw new InvalidOperationException("Client reported Quillfield"));
        using var working = _feed.Subscribe(PracticeA, Note, seen.Add);

        _feed.Publish(PracticeA, Note, Progress());

        Assert.Single(seen);
        Assert.Contains(_logs, l => l.Contains(nameof(InvalidOperationException), StringComparison.Ordinal));
        Assert.DoesNotContain(_logs, l => l.Contains("Quillfield", StringComparison.Ordinal));
    }

    [Fact]
    public void A_subscriber_may_leave_from_inside_its_callback()
    {
        var seen = 0;
        IDisposable? self = null;
        self = _feed.Subscribe(PracticeA, Note, _ =>
        {
            seen++;
            self!.Dispose();
        });

        _feed.Publish(PracticeA, Note, Progress());
        _feed.Publish(PracticeA, Note, Progress());

        Assert.Equal(1, seen);
        Assert.Equal(0, _feed.WatchedNotes);
    }

    [Fact]
    public async Task Concurrent_subscribers_and_publishers_are_safe_and_leave_nothing_behind()
    {
        var delivered = 0;
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                using var subscription = _feed.Subscribe(PracticeA, Note, _ => Interlocked.Increment(ref delivered));
                _feed.Publish(PracticeA, Note, Progress());
            }
        }));

        await Task.WhenAll(workers);

        // Each worker hears at least its own publish while subscribed.
        Assert.True(delivered >= 8 * 500);
        Assert.Equal(0, _feed.WatchedNotes);
    }

    private static DraftProgress Progress() => new(null, new NoteDraft([], DraftSamples.Model), false, null, null);
}
