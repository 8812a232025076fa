using System.Globalization;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Notes.EditNote;

namespace Plexura.Core.Notes.Versions;

/// <summary>List a note's versions.</summary>
/// <param name="NoteId">The note.</param>
public sealed record ListNoteVersionsCommand(NoteId NoteId);

/// <summary>One version in the history (no content).</summary>
/// <param name="Number">Its number.</param>
/// <param name="By">Who stored it; null for the drafter.</param>
/// <param name="At">When.</param>
/// <param name="Reason">Why (<see cref="NoteVersionReasons"/>).</param>
/// <param name="ContentHash">Its content's SHA-256.</param>
public sealed record NoteVersionSummary(int Number, UserId? By, DateTimeOffset At, string Reason, string ContentHash);

/// <summary>Read one or two versions (to show or compare them).</summary>
/// <param name="NoteId">The note.</param>
/// <param name="Numbers">One or two version numbers.</param>
public sealed record GetNoteVersionsCommand(NoteId NoteId, IReadOnlyList<int> Numbers);

/// <summary>One version with its content.</summary>
/// <param name="Summary">Who, when, why.</param>
/// <param name="Content">What it said.</param>
/// <param name="Addendum">Its addendum, when it is one.</param>
public sealed record NoteVersionView(NoteVersionSummary Summary, NoteContent Content, NoteAddendumText? Addendum);

/// <summary>Restore an earlier version (as a new version).</summary>
/// <param name="NoteId">The note.</param>
/// <param name="Number">The version to restore.</param>
/// <param name="BasedOnVersion">The version current when the member chose to restore.</param>
public sealed record RestoreNoteVersionCommand(NoteId NoteId, int Number, int BasedOnVersion);

/// <summary>Lists a note's versions, newest last (View permission; numbers, people and times only, so not a PHI view).</summary>
public sealed class ListNoteVersionsHandler(NoteAccess access, INoteRepository notes)
{
    /// <summary>The versions.</summary>
    public async Task<IReadOnlyList<NoteVersionSummary>> HandleAsync(ListNoteVersionsCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (_, note) = await access.RequireAsync(command.NoteId, ClientPermission.View, client, ct);
        return [.. (await notes.ListVersionsAsync(note.PracticeId, note.Id, ct)).Select(Summary)];
    }

    internal static NoteVersionSummary Summary(NoteVersion v) => new(v.Number, v.By, v.At, v.Reason, v.ContentHash);
}

/// <summary>Reads one or two versions' content (View permission), audited as one PHI view naming the versions.</summary>
public sealed class GetNoteVersionsHandler(NoteAccess access, INoteRepository notes, NoteProtector protector, IAuditLog audit)
{
    /// <summary>The versions, in the order asked.</summary>
    public async Task<IReadOnlyList<NoteVersionView>> HandleAsync(GetNoteVersionsCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (allowed, note) = await access.RequireAsync(command.NoteId, ClientPermission.View, client, ct);
        if (command.Numbers is not { Count: 1 or 2 })
        {
            throw new ValidationFailedException("Ask for one or two versions.");
        }

        var views = new List<NoteVersionView>();
        foreach (var number in command.Numbers)
        {
            var version = await notes.GetVersionAsync(note.PracticeId, note.Id, number, ct) ?? throw new RecordNotFoundException(NoteVersion.RecordType);
            views.Add(new NoteVersionView(ListNoteVersionsHandler.Summary(version), await protector.RevealAsync(version, ct), await protector.RevealAddendumAsync(version, ct)));
        }

        await NoteAccess.RecordAsync(
            audit, allowed.Actor, client, AuditAction.PhiViewed, AuditResult.Success, note, ct,
            ("versions", string.Join(',', command.Numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)))));
        return views;
    }
}

/// <summary>Restores an earlier version's content as a new version (Edit permission, draft notes only), audited.</summary>
public sealed class RestoreNoteVersionHandler(NoteEditing editing, INoteRepository notes, NoteProtector protector)
{
    /// <summary>The new version.</summary>
    public Task<NoteSaved> HandleAsync(RestoreNoteVersionCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return editing.ChangeAsync(
            command.NoteId, command.BasedOnVersion, NoteVersionReasons.Restored, client,
            async (actor, note, content) =>
            {
                var version = await notes.GetVersionAsync(note.PracticeId, note.Id, command.Number, ct) ?? throw new RecordNotFoundException(NoteVersion.RecordType);
                return await protector.RevealAsync(version, ct);
            },
            [("restored", command.Number.ToString(CultureInfo.InvariantCulture))],
            ct);
    }
}
