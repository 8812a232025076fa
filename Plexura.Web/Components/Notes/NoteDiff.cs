using DiffPlex;
using DiffPlex.Chunkers;
using Plexura.Core.Notes;

namespace Plexura.Web.Components.Notes;

/// <summary>How a piece of text changed between two versions.</summary>
public enum DiffKind
{
    /// <summary>In both versions.</summary>
    Same,

    /// <summary>Only in the newer version.</summary>
    Inserted,

    /// <summary>Only in the older version.</summary>
    Deleted,
}

/// <summary>What happened to a statement between two versions.</summary>
public enum StatementChange
{
    /// <summary>Same text.</summary>
    Unchanged,

    /// <summary>Only in the newer version.</summary>
    Added,

    /// <summary>Only in the older version.</summary>
    Removed,

    /// <summary>In both, with other words.</summary>
    Changed,
}

/// <summary>A run of words with one <see cref="DiffKind"/>.</summary>
/// <param name="Text">The words (with their spaces).</param>
/// <param name="Kind">How they changed.</param>
public sealed record DiffPiece(string Text, DiffKind Kind);

/// <summary>One statement across two versions.</summary>
/// <param name="Id">The statement's id.</param>
/// <param name="Change">What happened to it.</param>
/// <param name="Pieces">Its words, marked.</param>
/// <param name="ReviewChange">The review decision that changed ("Accepted"), or null.</param>
public sealed record StatementDiff(string Id, StatementChange Change, IReadOnlyList<DiffPiece> Pieces, string? ReviewChange);

/// <summary>One section across two versions.</summary>
/// <param name="Key">The section's key.</param>
/// <param name="Title">Its title (the newer one's when both have it).</param>
/// <param name="Statements">Its statements in the newer version's order, removed ones where they stood.</param>
public sealed record SectionDiff(string Key, string Title, IReadOnlyList<StatementDiff> Statements)
{
    /// <summary>Whether anything in the section changed.</summary>
    public bool HasChanges => Statements.Any(s => s.Change != StatementChange.Unchanged || s.ReviewChange is not null);
}

/// <summary>A readable difference between two note versions: per section, per statement, word by word; and the risk reviews that changed.</summary>
/// <param name="Sections">Every section of either version.</param>
/// <param name="RiskChanges">Each changed risk item in words ("Suicidal thoughts — denied: waiting for your review → confirmed").</param>
public sealed record NoteDiff(IReadOnlyList<SectionDiff> Sections, IReadOnlyList<string> RiskChanges)
{
    /// <summary>Whether the versions say the same.</summary>
    public bool IsEmpty => RiskChanges.Count == 0 && Sections.All(s => !s.HasChanges);

    /// <summary>Compares <paramref name="older"/> with <paramref name="newer"/>: statements are matched by id, their words with DiffPlex.</summary>
    public static NoteDiff Between(NoteContent older, NoteContent newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        var oldSections = older.Sections.ToDictionary(s => s.Key);
        var sections = new List<SectionDiff>();
        foreach (var section in newer.Sections)
        {
            sections.Add(Section(section.Key, section.Title, oldSections.GetValueOrDefault(section.Key)?.Statements ?? [], section.Statements));
        }

        var newKeys = newer.Sections.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var section in older.Sections.Where(s => !newKeys.Contains(s.Key)))
        {
            sections.Add(Section(section.Key, section.Title, section.Statements, []));
        }

        return new NoteDiff(sections, Risks(older.Risks, newer.Risks));
    }

    /// <summary>The words of <paramref name="older"/> and <paramref name="newer"/> marked same, deleted or inserted.</summary>
    public static IReadOnlyList<DiffPiece> Words(string older, string newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        var result = Differ.Instance.CreateDiffs(older, newer, ignoreWhiteSpace: false, ignoreCase: false, WordChunker.Instance);
        var pieces = new List<DiffPiece>();
        var a = 0;
        foreach (var block in result.DiffBlocks)
        {
            for (; a < block.DeleteStartA; a++)
            {
                Add(pieces, result.PiecesOld[a], DiffKind.Same);
            }

            for (var i = 0; i < block.DeleteCountA; i++)
            {
                Add(pieces, result.PiecesOld[block.DeleteStartA + i], DiffKind.Deleted);
            }

            for (var i = 0; i < block.InsertCountB; i++)
            {
                Add(pieces, result.PiecesNew[block.InsertStartB + i], DiffKind.Inserted);
            }

            a = block.DeleteStartA + block.DeleteCountA;
        }

        for (; a < result.PiecesOld.Count; a++)
        {
            Add(pieces, result.PiecesOld[a], DiffKind.Same);
        }

        return pieces;
    }

    private static SectionDiff Section(string key, string title, IReadOnlyList<NoteStatement> older, IReadOnlyList<NoteStatement> newer)
    {
        var oldById = older.ToDictionary(s => s.Id);
        var newIds = newer.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var statements = new List<StatementDiff>();

        // Removed statements stay where they stood: before the first surviving statement that followed them.
        var removedBefore = new Dictionary<string, List<NoteStatement>>(StringComparer.Ordinal);
        var trailing = new List<NoteStatement>();
        var pending = new List<NoteStatement>();
        foreach (var statement in older)
        {
            if (newIds.Contains(statement.Id))
            {
                if (pending.Count > 0)
                {
                    removedBefore[statement.Id] = pending;
                    pending = [];
                }
            }
            else
            {
                pending.Add(statement);
            }
        }

        trailing.AddRange(pending);
        foreach (var statement in newer)
        {
            if (removedBefore.TryGetValue(statement.Id, out var removed))
            {
                statements.AddRange(removed.Select(Removed));
            }

            if (!oldById.TryGetValue(statement.Id, out var before))
            {
                statements.Add(new StatementDiff(statement.Id, StatementChange.Added, [new DiffPiece(statement.Text, DiffKind.Inserted)], null));
                continue;
            }

            var review = before.Review != statement.Review ? Review(statement.Review) : null;
            statements.Add(before.Text == statement.Text
                ? new StatementDiff(statement.Id, StatementChange.Unchanged, [new DiffPiece(statement.Text, DiffKind.Same)], review)
                : new StatementDiff(statement.Id, StatementChange.Changed, Words(before.Text, statement.Text), review));
        }

        statements.AddRange(trailing.Select(Removed));
        return new SectionDiff(key, title, statements);
    }

    private static StatementDiff Removed(NoteStatement statement) =>
        new(statement.Id, StatementChange.Removed, [new DiffPiece(statement.Text, DiffKind.Deleted)], null);

    private static string Review(StatementReview review) => review switch
    {
        StatementReview.Accepted => "Accepted as drafted",
        StatementReview.Edited => "Edited",
        _ => "Back to waiting for review",
    };

    private static List<string> Risks(IReadOnlyList<RiskItem> older, IReadOnlyList<RiskItem> newer)
    {
        var oldById = older.ToDictionary(r => r.Id);
        var changes = new List<string>();
        foreach (var risk in newer)
        {
            if (!oldById.TryGetValue(risk.Id, out var before))
            {
                changes.Add($"{NoteWords.Risk(risk.Category, risk.Polarity)}: added ({NoteWords.Review(risk.Review).ToLowerInvariant()})");
                continue;
            }

            var parts = new List<string>();
            if (before.Category != risk.Category || before.Polarity != risk.Polarity)
            {
                parts.Add($"now {NoteWords.Risk(risk.Category, risk.Polarity)}");
            }

            if (before.Review != risk.Review)
            {
                parts.Add($"{NoteWords.Review(before.Review).ToLowerInvariant()} → {NoteWords.Review(risk.Review).ToLowerInvariant()}");
            }

            if (before.ClinicianNote != risk.ClinicianNote && !string.IsNullOrEmpty(risk.ClinicianNote))
            {
                parts.Add($"note: “{risk.ClinicianNote}”");
            }

            if (parts.Count > 0)
            {
                changes.Add($"{NoteWords.Risk(before.Category, before.Polarity)}: {string.Join("; ", parts)}");
            }
        }

        var newIds = newer.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        changes.AddRange(older.Where(r => !newIds.Contains(r.Id)).Select(r => $"{NoteWords.Risk(r.Category, r.Polarity)}: removed"));
        return changes;
    }

    private static void Add(List<DiffPiece> pieces, string text, DiffKind kind)
    {
        if (pieces.Count > 0 && pieces[^1].Kind == kind)
        {
            pieces[^1] = pieces[^1] with { Text = pieces[^1].Text + text };
        }
        else
        {
            pieces.Add(new DiffPiece(text, kind));
        }
    }
}
