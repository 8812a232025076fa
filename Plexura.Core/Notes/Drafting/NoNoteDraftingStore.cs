using Plexura.Core.Common;

namespace Plexura.Core.Notes.Drafting;

/// <summary>The drafting store until the notes feature registers its own: no note exists, so there is never anything to draft.</summary>
/// <remarks>Registered with <c>TryAdd</c> in Core; a later registration (the notes feature's store) replaces it.</remarks>
public sealed class NoNoteDraftingStore : INoteDraftingStore
{
    /// <inheritdoc />
    public Task<DraftingWork?> BeginAsync(PracticeId practiceId, DraftNotePayload job, CancellationToken ct) => Task.FromResult<DraftingWork?>(null);

    /// <inheritdoc />
    public Task ApplyAsync(PracticeId practiceId, DraftNotePayload job, NoteDraft draft, CancellationToken ct) => Task.CompletedTask;

    /// <inheritdoc />
    public Task FailAsync(PracticeId practiceId, DraftNotePayload job, string code, CancellationToken ct) => Task.CompletedTask;
}
