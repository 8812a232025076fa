using System.Globalization;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Notes.Evidence;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Notes.EditNote;

/// <summary>One statement of a section as the clinician left it.</summary>
/// <param name="Id">The statement's id when it already existed (kept), or null for a new one.</param>
/// <param name="Text">Its text.</param>
/// <param name="Citations">The transcript lines it cites; null keeps an existing statement's, or finds support for a new one.</param>
public sealed record StatementInput(string? Id, string Text, IReadOnlyList<PassageRef>? Citations = null);

/// <summary>Save one section as edited (autosave: one version per save).</summary>
/// <param name="NoteId">The note.</param>
/// <param name="SectionKey">The section.</param>
/// <param name="Statements">All its statements, in order; an existing statement left out is deleted.</param>
/// <param name="BasedOnVersion">The version the edit was made on; a newer one means another tab or member saved meanwhile.</param>
public sealed record SaveSectionCommand(NoteId NoteId, string SectionKey, IReadOnlyList<StatementInput> Statements, int BasedOnVersion);

/// <summary>A stored change.</summary>
/// <param name="NoteId">The note.</param>
/// <param name="VersionNumber">The note's current version after it (unchanged when nothing changed).</param>
public sealed record NoteSaved(NoteId NoteId, int VersionNumber);

/// <summary>The clinician's decision on a statement.</summary>
public enum StatementDecision
{
    /// <summary>Keep it as written.</summary>
    Accept,

    /// <summary>Rewrite it (<see cref="ResolveStatementCommand.Text"/>).</summary>
    Edit,

    /// <summary>Remove it.</summary>
    Delete,
}

/// <summary>Accept, edit or delete a statement (usually a flagged one).</summary>
/// <param name="NoteId">The note.</param>
/// <param name="StatementId">The statement.</param>
/// <param name="Decision">What to do.</param>
/// <param name="Text">The new text, for <see cref="StatementDecision.Edit"/>.</param>
/// <param name="BasedOnVersion">The version the decision was made on.</param>
public sealed record ResolveStatementCommand(NoteId NoteId, string StatementId, StatementDecision Decision, string? Text, int BasedOnVersion);

/// <summary>The clinician's decision on a risk item.</summary>
public enum RiskDecision
{
    /// <summary>As found.</summary>
    Confirm,

    /// <summary>Corrected (category, polarity, or not a risk disclosure), with a note.</summary>
    Correct,
}

/// <summary>Confirm or correct a risk item.</summary>
/// <param name="NoteId">The note.</param>
/// <param name="RiskId">The risk item.</param>
/// <param name="Decision">Confirm or correct.</param>
/// <param name="Category">For a correction, the right category (null: unchanged).</param>
/// <param name="Polarity">For a correction, the right polarity (null: unchanged).</param>
/// <param name="Note">For a correction, why (required); ignored when confirming.</param>
/// <param name="BasedOnVersion">The version the decision was made on.</param>
public sealed record ResolveRiskCommand(NoteId NoteId, string RiskId, RiskDecision Decision, RiskCategory? Category, RiskPolarity? Polarity, string? Note, int BasedOnVersion);

/// <summary>What the editing use cases share: access, the draft and version checks, the refusal audits, the save.</summary>
public sealed class NoteEditing(NoteAccess access, NoteWriter writer, IAuditLog audit)
{
    /// <summary>The longest correction note on a risk item.</summary>
    public const int MaxRiskNoteLength = 2_000;

    /// <summary>Runs a change of the current content: Edit permission, a draft note, the current version; a refusal for state or staleness is audited as Failed.</summary>
    public async Task<NoteSaved> ChangeAsync(
        NoteId noteId, int basedOnVersion, string reason, ClientInfo client, Func<PracticeActor, Note, NoteContent, Task<NoteContent>> change,
        (string Key, string Value)[] details, CancellationToken ct)
    {
        var (allowed, note) = await access.RequireAsync(noteId, ClientPermission.Edit, client, ct);
        var actor = allowed.Actor;
        try
        {
            NoteWriter.RequireDraft(note);
            NoteWriter.RequireCurrent(note, basedOnVersion);
            var (_, content) = await writer.CurrentAsync(note, ct);
            var changed = await change(actor, note, content);
            if (NoteWriter.SameContent(content, changed))
            {
                return new NoteSaved(note.Id, note.CurrentVersion);
            }

            var (stored, version) = await writer.AppendAsync(note, actor.UserId, reason, changed, null, null, ct);
            await NoteAccess.RecordAsync(
                audit, actor, client, AuditAction.Updated, AuditResult.Success, stored, ct,
                [("event", reason), ("version", version.Number.ToString(CultureInfo.InvariantCulture)), .. details]);
            return new NoteSaved(stored.Id, version.Number);
        }
        catch (Exception ex) when (ex is NoteStateConflictException or ConcurrencyConflictException or ValidationFailedException or RecordNotFoundException)
        {
            var code = ex switch
            {
                NoteStateConflictException => "signed",
                ConcurrencyConflictException => "stale-version",
                ValidationFailedException => "invalid-input",
                _ => "unknown-part",
            };
            await NoteAccess.RecordAsync(
                audit, actor, client, AuditAction.Updated, AuditResult.Failed, note, ct,
                [("event", reason), ("reason", code), ("basedOn", basedOnVersion.ToString(CultureInfo.InvariantCulture)), .. details]);
            throw;
        }
    }

    /// <summary>A statement's text, checked.</summary>
    public static string StatementText(string? text) =>
        PersonText.Required(text, "A statement", NoteWriter.MaxStatementLength, "A statement cannot be empty: delete it instead.", multiline: true);
}

/// <summary>Saves one section as the clinician edited it: a new version (who, when), audited per save, never the text.</summary>
/// <remarks>
/// Ids are kept; a drafted statement whose text changed stays Drafted in origin and becomes <see cref="StatementReview.Edited"/>;
/// statements without a known id are the clinician's (<see cref="StatementOrigin.Clinician"/>), linked to the transcript lines
/// that support them when none are given. Limits: <see cref="NoteWriter.MaxStatements"/> statements, each at most
/// <see cref="NoteWriter.MaxStatementLength"/> characters, <see cref="NoteWriter.MaxSectionLength"/> per section. A save on a
/// stale version is a <see cref="ConcurrencyConflictException"/>; a signed note is a <see cref="NoteStateConflictException"/>.
/// </remarks>
public sealed class SaveSectionHandler(NoteEditing editing, NoteTranscript transcript, IEvidenceVerifier verifier)
{
    /// <summary>The saved version.</summary>
    public Task<NoteSaved> HandleAsync(SaveSectionCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return editing.ChangeAsync(
            command.NoteId, command.BasedOnVersion, NoteVersionReasons.Edited, client,
            async (actor, note, content) =>
            {
                var section = content.Sections.FirstOrDefault(s => s.Key == command.SectionKey)
                    ?? throw new ValidationFailedException("The note has no such section.");
                var inputs = command.Statements ?? [];
                if (inputs.Count > NoteWriter.MaxStatements)
                {
                    throw new ValidationFailedException($"A section can hold at most {NoteWriter.MaxStatements} statements.");
                }

                var texts = inputs.Select(i => NoteEditing.StatementText(i?.Text)).ToList();
                if (texts.Sum(t => t.Length) > NoteWriter.MaxSectionLength)
                {
                    throw new ValidationFailedException($"A section can hold at most {NoteWriter.MaxSectionLength} characters.");
                }

                var existing = section.Statements.ToDictionary(s => s.Id, StringComparer.Ordinal);
                IReadOnlyList<TranscriptPassage>? lines = null;
                async Task<IReadOnlyList<TranscriptPassage>> Lines() =>
                    lines ??= note.SessionId is { } sid ? await transcript.LoadAsync(note.PracticeId, sid, ct) : [];

                var statements = new List<NoteStatement>(inputs.Count);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < inputs.Count; i++)
                {
                    var input = inputs[i];
                    var text = texts[i];
                    if (input.Id is { } id && existing.TryGetValue(id, out var old) && seen.Add(id))
                    {
                        var citations = input.Citations ?? old.Citations;
                        if (text == old.Text && citations.SequenceEqual(old.Citations))
                        {
                            statements.Add(old);
                            continue;
                        }

                        var all = await Lines();
                        var evidence = verifier.Verify(text, citations, all.ToDictionary(l => l.Ref));
                        statements.Add(old with
                        {
                            Text = text,
                            Citations = [.. citations],
                            Evidence = evidence,
                            Review = old.Origin == StatementOrigin.Drafted ? StatementReview.Edited : old.Review,
                        });
                    }
                    else
                    {
                        var all = await Lines();
                        IReadOnlyList<PassageRef> citations = input.Citations is { } given ? [.. given] : verifier.FindSupport(text, all, 3);
                        var evidence = verifier.Verify(text, citations, all.ToDictionary(l => l.Ref));
                        statements.Add(new NoteStatement(NoteWriter.NewStatementId(), text, StatementOrigin.Clinician, citations, evidence, false, StatementReview.Accepted));
                    }
                }

                return NoteWriter.WithSection(content, section with { Statements = statements });
            },
            [("section", command.SectionKey ?? string.Empty)],
            ct);
    }
}

/// <summary>Accepts, edits or deletes one statement; a new version, audited with the decision.</summary>
public sealed class ResolveStatementHandler(NoteEditing editing)
{
    /// <summary>The saved version.</summary>
    public Task<NoteSaved> HandleAsync(ResolveStatementCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return editing.ChangeAsync(
            command.NoteId, command.BasedOnVersion, NoteVersionReasons.StatementResolved, client,
            (actor, note, content) =>
            {
                var section = content.Sections.FirstOrDefault(s => s.Statements.Any(t => t.Id == command.StatementId))
                    ?? throw new RecordNotFoundException("statement");
                var statements = command.Decision switch
                {
                    StatementDecision.Accept => section.Statements.Select(s => s.Id == command.StatementId ? s with { Review = StatementReview.Accepted } : s),
                    StatementDecision.Edit => section.Statements.Select(s =>
                        s.Id == command.StatementId ? s with { Text = NoteEditing.StatementText(command.Text), Review = StatementReview.Edited } : s),
                    StatementDecision.Delete => section.Statements.Where(s => s.Id != command.StatementId),
                    _ => throw new ValidationFailedException("Accept, edit or delete the statement."),
                };
                return Task.FromResult(NoteWriter.WithSection(content, section with { Statements = [.. statements] }));
            },
            [("statement", command.StatementId ?? string.Empty), ("decision", command.Decision.ToString().ToLowerInvariant())],
            ct);
    }
}

/// <summary>Confirms or corrects (with a note) one risk item; a new version, audited with the decision, never the note's words.</summary>
public sealed class ResolveRiskHandler(NoteEditing editing)
{
    /// <summary>The saved version.</summary>
    public Task<NoteSaved> HandleAsync(ResolveRiskCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return editing.ChangeAsync(
            command.NoteId, command.BasedOnVersion, NoteVersionReasons.RiskResolved, client,
            (actor, note, content) =>
            {
                var risk = content.Risks.FirstOrDefault(r => r.Id == command.RiskId) ?? throw new RecordNotFoundException("risk item");
                var resolved = command.Decision switch
                {
                    RiskDecision.Confirm => risk with { Review = RiskReview.Confirmed },
                    RiskDecision.Correct => risk with
                    {
                        Review = RiskReview.Corrected,
                        Category = command.Category ?? risk.Category,
                        Polarity = command.Polarity ?? risk.Polarity,
                        ClinicianNote = PersonText.Required(
                            command.Note, "The correction note", NoteEditing.MaxRiskNoteLength, "Say why the item is corrected.", multiline: true),
                    },
                    _ => throw new ValidationFailedException("Confirm or correct the risk item."),
                };
                return Task.FromResult(content with { Risks = [.. content.Risks.Select(r => r.Id == risk.Id ? resolved : r)] });
            },
            [("risk", command.RiskId ?? string.Empty), ("decision", command.Decision.ToString().ToLowerInvariant())],
            ct);
    }
}
