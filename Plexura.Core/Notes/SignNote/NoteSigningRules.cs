using Plexura.Core.Access;
using Plexura.Core.Notes.Templates;

namespace Plexura.Core.Notes.SignNote;

/// <summary>Why a note cannot be signed (a code for the audit, a sentence for the member; no PHI).</summary>
/// <param name="Code">For the audit log.</param>
/// <param name="Message">What to tell the member.</param>
public sealed record SigningRefusal(string Code, string Message);

/// <summary>Thrown when a signing rule refuses (HTTP 422 with the rule's message).</summary>
/// <param name="refusal">The rule that refused.</param>
public sealed class NoteSigningRefusedException(SigningRefusal refusal) : Exception(refusal?.Message)
{
    /// <summary>The rule that refused.</summary>
    public SigningRefusal Refusal { get; } = refusal ?? throw new ArgumentNullException(nameof(refusal));
}

/// <summary>The rules a note must meet to be signed: pure, in the order they are checked.</summary>
/// <remarks>
/// Only a member with Edit on the client; not already signed; made on the current version; the signer attested that they
/// reviewed the draft, every flagged statement and every risk item; every required section has a statement; no statement
/// still needs review; no risk item is pending.
/// </remarks>
public static class NoteSigningRules
{
    /// <summary>What the signer attests.</summary>
    public const string AttestationText =
        "I reviewed this note, including its draft, every flagged statement and every risk item, and it accurately records the session.";

    /// <summary>The first rule the signing breaks, or null when the note may be signed.</summary>
    public static SigningRefusal? Check(Note note, NoteContent content, NoteTemplate template, ClientPermissions permissions, bool attested, int basedOnVersion)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(template);
        if (!permissions.Edit)
        {
            return new("no-edit-permission", "Only a member who may edit the client's records can sign this note.");
        }

        if (note.Status == NoteStatus.Signed)
        {
            return new("already-signed", "The note is already signed: add an addendum instead.");
        }

        if (note.CurrentVersion != basedOnVersion)
        {
            return new("stale-version", "The note changed since you opened it: review the current version, then sign.");
        }

        if (!attested)
        {
            return new("no-attestation", "Confirm that you reviewed the draft, every flagged statement and every risk item.");
        }

        var required = template.Sections.Where(s => s.Required).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        if (content.Sections.FirstOrDefault(s => required.Contains(s.Key) && s.Statements.Count == 0) is { } empty)
        {
            return new("required-section-empty", $"Write the required section \"{empty.Title}\" before signing.");
        }

        if (required.Except(content.Sections.Select(s => s.Key)).Any())
        {
            return new("required-section-empty", "A required section of the note's template is missing.");
        }

        var flagged = content.Sections.Sum(s => s.Statements.Count(t => t.NeedsReview));
        if (flagged > 0)
        {
            return new("statements-need-review", flagged == 1
                ? "One flagged statement still needs your review: accept, edit or delete it."
                : $"{flagged} flagged statements still need your review: accept, edit or delete each.");
        }

        var pending = content.Risks.Count(r => r.Review == RiskReview.Pending);
        if (pending > 0)
        {
            return new("risks-pending", pending == 1
                ? "One risk item still needs your review: confirm or correct it."
                : $"{pending} risk items still need your review: confirm or correct each.");
        }

        return null;
    }
}
