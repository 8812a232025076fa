using System.Globalization;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Jobs;
using Plexura.Core.Notes.StartNote;

namespace Plexura.Core.Notes.Drafting;

/// <summary>Redraft one section of a note (the others, and the clinician's own statements, are kept).</summary>
/// <param name="NoteId">The note.</param>
/// <param name="SectionKey">The section.</param>
public sealed record RequestRedraftCommand(NoteId NoteId, string SectionKey);

/// <summary>Draft the whole note again (after a failure, or a note started by hand); sections the clinician changed are kept.</summary>
/// <param name="NoteId">The note.</param>
public sealed record RetryDraftingCommand(NoteId NoteId);

/// <summary>Queues drafting requests: each a new request number and its own <c>draft-note</c> job.</summary>
public sealed class NoteDraftRequests(
    NoteAccess access, INoteRepository notes, NoteWriter writer, IJobQueue jobs, INoteDrafter drafter, IAuditLog audit, TimeProvider time, Billing.BillingGuard billing)
{
    /// <summary>Queues a request for the whole note (<paramref name="section"/> null) or one section; returns the request number.</summary>
    public async Task<int> RequestAsync(NoteId noteId, string? section, ClientInfo client, CancellationToken ct)
    {
        var (allowed, note) = await access.RequireAsync(noteId, ClientPermission.Edit, client, ct);
        await billing.EnsureCanStartNewWorkAsync(allowed.Actor, client, AuditAction.Updated, Note.RecordType, ct);
        var refusal =
            note.Status == NoteStatus.Signed ? "The note is signed and locked: add an addendum instead."
            : note.Kind == NoteKind.Psychotherapy ? "Psychotherapy notes are never drafted."
            : !drafter.IsConfigured ? "Drafting is off: no chat model is configured."
            : note.Drafting is DraftingState.Queued or DraftingState.Drafting ? "A draft is already being written."
            : null;
        if (refusal is null && section is not null)
        {
            var (_, content) = await writer.CurrentAsync(note, ct);
            if (content.Sections.All(s => s.Key != section))
            {
                throw new ValidationFailedException("The note has no such section.");
            }
        }

        if (refusal is not null)
        {
            await NoteAccess.RecordAsync(audit, allowed.Actor, client, AuditAction.Updated, AuditResult.Failed, note, ct, ("event", "redraft-requested"), ("reason", "refused"));
            throw new NoteStateConflictException(refusal);
        }

        var request = note.DraftRequest + 1;
        var stored = await notes.UpdateAsync(
            note.PracticeId,
            note with
            {
                Drafting = DraftingState.Queued,
                DraftingFailureCode = null,
                DraftRequest = request,
                DraftSection = section,
                DraftBaseVersion = note.CurrentVersion,
                UpdatedAt = time.GetUtcNow(),
            },
            ct);
        await SessionNoteStarter.EnqueueAsync(jobs, note.PracticeId, new DraftNotePayload(note.Id, section, request), ct);
        await NoteAccess.RecordAsync(
            audit, allowed.Actor, client, AuditAction.Updated, AuditResult.Success, stored, ct,
            ("event", "redraft-requested"), ("request", request.ToString(CultureInfo.InvariantCulture)), ("section", section ?? "*"));
        return request;
    }
}

/// <summary>Queues a redraft of one section (Edit permission; not for signed or psychotherapy notes, nor with drafting off).</summary>
public sealed class RequestRedraftHandler(NoteDraftRequests requests)
{
    /// <summary>The request number.</summary>
    public Task<int> HandleAsync(RequestRedraftCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return requests.RequestAsync(command.NoteId, command.SectionKey ?? string.Empty, client, ct);
    }
}

/// <summary>Queues a new whole-note draft (Edit permission).</summary>
public sealed class RetryDraftingHandler(NoteDraftRequests requests)
{
    /// <summary>The request number.</summary>
    public Task<int> HandleAsync(RetryDraftingCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return requests.RequestAsync(command.NoteId, null, client, ct);
    }
}
