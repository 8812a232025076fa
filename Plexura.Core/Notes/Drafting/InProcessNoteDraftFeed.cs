using Microsoft.Extensions.Logging;
using Plexura.Core.Common;

namespace Plexura.Core.Notes.Drafting;

/// <summary>The drafting feed of one app instance: progress published by a drafting job reaches the editors open on the same instance.</summary>
/// <remarks>
/// <para>Thread-safe. Subscriptions are per practice and note: a subscriber never hears another practice's notes, even
/// for the same note id. Callbacks run on the publisher's thread, one subscriber after another, so they must be quick
/// (a Blazor component hands the progress to its renderer with <c>InvokeAsync</c>); a callback that throws is logged
/// (its exception type only) and does not stop the others or the job.</para>
/// <para>Disposing a subscription is idempotent; once <c>Dispose</c> returns no new callback starts for it, and the note's
/// entry is removed when its last subscriber leaves, so the feed holds nothing for notes nobody watches.</para>
/// </remarks>
public sealed class InProcessNoteDraftFeed(ILogger<InProcessNoteDraftFeed> logger) : INoteDraftFeed
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(PracticeId, NoteId), List<Subscription>> _subscribers = [];

    /// <summary>How many notes have subscribers (for tests).</summary>
    internal int WatchedNotes
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <inheritdoc />
    public void Publish(PracticeId practiceId, NoteId noteId, DraftProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        Subscription[] targets;
        lock (_gate)
        {
            if (!_subscribers.TryGetValue((practiceId, noteId), out var list))
            {
                return;
            }

            targets = [.. list];
        }

        foreach (var subscription in targets)
        {
            subscription.Deliver(progress, logger);
        }
    }

    /// <inheritdoc />
    public IDisposable Subscribe(PracticeId practiceId, NoteId noteId, Action<DraftProgress> onProgress)
    {
        ArgumentNullException.ThrowIfNull(onProgress);
        var subscription = new Subscription(this, (practiceId, noteId), onProgress);
        lock (_gate)
        {
            if (!_subscribers.TryGetValue(subscription.Target, out var list))
            {
                _subscribers[subscription.Target] = list = [];
            }

            list.Add(subscription);
        }

        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            if (_subscribers.TryGetValue(subscription.Target, out var list) && list.Remove(subscription) && list.Count == 0)
            {
                _subscribers.Remove(subscription.Target);
            }
        }
    }

    private sealed class Subscription(InProcessNoteDraftFeed feed, (PracticeId, NoteId) target, Action<DraftProgress> onProgress) : IDisposable
    {
        private volatile bool _disposed;

        public (PracticeId, NoteId) Target { get; } = target;

        public void Deliver(DraftProgress progress, ILogger logger)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                onProgress(progress);
            }
            catch (Exception e)
            {
                // The type only: a message could quote the draft.
                logger.LogWarning("A drafting-progress subscriber failed ({ExceptionType})", e.GetType().Name);
            }
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            feed.Remove(this);
        }
    }
}
