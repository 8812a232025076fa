using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Plexura.Core.Common;
using Plexura.Core.Notes.Drafting;

namespace Plexura.Tests.Drafting;

/// <summary>An in-memory <see cref="INoteDraftingStore"/>: hands out one piece of work and records what the job did with it.</summary>
internal sealed class InMemoryNoteDraftingStore(DraftingWork? work) : INoteDraftingStore
{
    public ConcurrentQueue<DraftNotePayload> Begun { get; } = new();

    public ConcurrentQueue<(PracticeId Practice, DraftNotePayload Job, NoteDraft Draft)> Applied { get; } = new();

    public ConcurrentQueue<(PracticeId Practice, DraftNotePayload Job, string Code)> Failed { get; } = new();

    public Task<DraftingWork?> BeginAsync(PracticeId practiceId, DraftNotePayload job, CancellationToken ct)
    {
        Begun.Enqueue(job);
        return Task.FromResult(work);
    }

    public Task ApplyAsync(PracticeId practiceId, DraftNotePayload job, NoteDraft draft, CancellationToken ct)
    {
        Applied.Enqueue((practiceId, job, draft));
        return Task.CompletedTask;
    }

    public Task FailAsync(PracticeId practiceId, DraftNotePayload job, string code, CancellationToken ct)
    {
        Failed.Enqueue((practiceId, job, code));
        return Task.CompletedTask;
    }
}

/// <summary>An <see cref="INoteDrafter"/> that yields scripted snapshots (running a step before each) and then ends or throws.</summary>
internal sealed class ScriptedNoteDrafter : INoteDrafter
{
    public bool IsConfigured { get; set; } = true;

    public List<(NoteDraft Snapshot, Action? Before)> Snapshots { get; } = [];

    public NoteDraftingFailedException? Failure { get; set; }

    public int Calls { get; private set; }

    public ScriptedNoteDrafter Yield(NoteDraft snapshot, Action? before = null)
    {
        Snapshots.Add((snapshot, before));
        return this;
    }

    public async IAsyncEnumerable<NoteDraft> DraftAsync(NoteDraftRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        Calls++;
        foreach (var (snapshot, before) in Snapshots)
        {
            await Task.Yield();
            before?.Invoke();
            yield return snapshot;
        }

        if (Failure is not null)
        {
            throw Failure;
        }
    }
}
