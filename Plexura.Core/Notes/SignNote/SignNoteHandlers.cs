using System.Globalization;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Notes.EditNote;
using Plexura.Core.Notes.GetNote;
using Plexura.Core.Security;

namespace Plexura.Core.Notes.SignNote;

/// <summary>Sign a note.</summary>
/// <param name="NoteId">The note.</param>
/// <param name="Attested">The signer confirms <see cref="NoteSigningRules.AttestationText"/>.</param>
/// <param name="BasedOnVersion">The version the signer reviewed (must be the current one).</param>
public sealed record SignNoteCommand(NoteId NoteId, bool Attested, int BasedOnVersion);

/// <summary>Check a signed note's hashes.</summary>
/// <param name="NoteId">The note.</param>
public sealed record VerifyNoteSignatureCommand(NoteId NoteId);

/// <summary>One addendum's check.</summary>
/// <param name="VersionNumber">Its version.</param>
/// <param name="StoredHash">The hash recorded when it was written.</param>
/// <param name="ComputedHash">The hash of what is stored now.</param>
public sealed record AddendumCheck(int VersionNumber, string StoredHash, string ComputedHash)
{
    /// <summary>Whether it is unchanged.</summary>
    public bool IsValid => string.Equals(StoredHash, ComputedHash, StringComparison.Ordinal);
}

/// <summary>The answer to "is this signed note unchanged?".</summary>
/// <param name="Signature">The signature, or null when the note is not signed.</param>
/// <param name="ComputedHash">The SHA-256 of the signed version's canonical content as stored now, or null when not signed.</param>
/// <param name="Addenda">Each addendum's check.</param>
public sealed record NoteSignatureCheck(NoteSignature? Signature, string? ComputedHash, IReadOnlyList<AddendumCheck> Addenda)
{
    /// <summary>Signed, and the content and every addendum hash as recorded.</summary>
    public bool IsValid => Signature is not null && string.Equals(Signature.ContentHash, ComputedHash, StringComparison.Ordinal) && Addenda.All(a => a.IsValid);
}

/// <summary>Add an addendum to a signed note.</summary>
/// <param name="NoteId">The note.</param>
/// <param name="Reason">Why.</param>
/// <param name="Text">The addendum.</param>
public sealed record AmendNoteCommand(NoteId NoteId, string Reason, string Text);

/// <summary>Signs a note under <see cref="NoteSigningRules"/>: locked, with signer, time and the SHA-256 of the canonical content; audited (refusals too, with the rule's code).</summary>
public sealed class SignNoteHandler(NoteAccess access, NoteWriter writer, NoteReader reader, INoteRepository notes, IAuditLog audit, TimeProvider time)
{
    /// <summary>The signature.</summary>
    /// <exception cref="NoteSigningRefusedException">A signing rule refused.</exception>
    public async Task<NoteSignature> HandleAsync(SignNoteCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (allowed, note) = await access.RequireAsync(command.NoteId, ClientPermission.Edit, client, ct);
        var (version, content) = await writer.CurrentAsync(note, ct);
        var template = await reader.TemplateAsync(note, content, ct);
        if (NoteSigningRules.Check(note, content, template, allowed.Permissions, command.Attested, command.BasedOnVersion) is { } refusal)
        {
            await NoteAccess.RecordAsync(audit, allowed.Actor, client, AuditAction.Updated, AuditResult.Failed, note, ct, ("event", "sign"), ("reason", refusal.Code));
            throw new NoteSigningRefusedException(refusal);
        }

        var hash = NoteCanonical.Hash(content);
        if (!string.Equals(hash, version.ContentHash, StringComparison.Ordinal))
        {
            throw new PhiUnreadableException("The stored note does not match its hash.");
        }

        var signature = new NoteSignature(allowed.Actor.UserId, time.GetUtcNow(), version.Number, hash, NoteSigningRules.AttestationText);
        var signed = await notes.UpdateAsync(note.PracticeId, note with { Status = NoteStatus.Signed, Signature = signature, UpdatedAt = signature.At }, ct);
        await NoteAccess.RecordAsync(
            audit, allowed.Actor, client, AuditAction.Updated, AuditResult.Success, signed, ct,
            ("event", "signed"), ("version", version.Number.ToString(CultureInfo.InvariantCulture)), ("hash", hash));
        return signature;
    }
}

/// <summary>Recomputes a signed note's hashes from what is stored (View permission).</summary>
public sealed class VerifyNoteSignatureHandler(NoteAccess access, INoteRepository notes, NoteProtector protector)
{
    /// <summary>The check.</summary>
    public async Task<NoteSignatureCheck> HandleAsync(VerifyNoteSignatureCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (_, note) = await access.RequireAsync(command.NoteId, ClientPermission.View, client, ct);
        if (note.Signature is not { } signature)
        {
            return new NoteSignatureCheck(null, null, []);
        }

        var signedVersion = await notes.GetVersionAsync(note.PracticeId, note.Id, signature.VersionNumber, ct);
        var computed = signedVersion is null ? string.Empty : NoteCanonical.Hash(await protector.RevealAsync(signedVersion, ct));
        var addenda = new List<AddendumCheck>();
        foreach (var summary in note.Addenda)
        {
            var stored = await notes.GetVersionAsync(note.PracticeId, note.Id, summary.VersionNumber, ct);
            var words = stored is null ? null : await protector.RevealAddendumAsync(stored, ct);
            var hash = words is null
                ? string.Empty
                : NoteCanonical.HashOf(NoteCanonical.SerializeAddendum(signature.ContentHash, summary.VersionNumber, summary.By, summary.At, words.Reason, words.Text));
            addenda.Add(new AddendumCheck(summary.VersionNumber, summary.Hash, hash));
        }

        return new NoteSignatureCheck(signature, computed, addenda);
    }
}

/// <summary>Adds an addendum (reason and text) to a signed note: its own version, hashed, audited (right of amendment).</summary>
public sealed class AmendNoteHandler(NoteAccess access, NoteWriter writer, IAuditLog audit)
{
    /// <summary>The longest reason.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The addendum's version.</summary>
    /// <exception cref="NoteStateConflictException">The note is not signed (edit it instead).</exception>
    public async Task<NoteSaved> HandleAsync(AmendNoteCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (allowed, note) = await access.RequireAsync(command.NoteId, ClientPermission.Edit, client, ct);
        var actor = allowed.Actor;
        return await AccessAudit.RefusingInvalidInputAsync(
            audit, actor, client, AuditAction.Updated, NoteAccess.TargetType, note.Id.ToString(), note.ClientId,
            async () =>
            {
                if (note.Signature is not { } signature)
                {
                    throw new NoteStateConflictException("Only a signed note takes addenda: edit the note instead.");
                }

                var reason = PersonText.Required(command.Reason, "The reason", MaxReasonLength, "Say why the note is amended.", multiline: true);
                var text = PersonText.Required(command.Text, "The addendum", NoteWriter.MaxSectionLength, "Write the addendum.", multiline: true);
                var (_, content) = await writer.CurrentAsync(note, ct);
                var (stored, version) = await writer.AppendAsync(
                    note, actor.UserId, NoteVersionReasons.Amended, content, new NoteAddendumText(reason, text),
                    (n, number, at) => n with
                    {
                        Addenda =
                        [
                            .. n.Addenda,
                            new NoteAddendumSummary(
                                number, actor.UserId, at, NoteCanonical.HashOf(NoteCanonical.SerializeAddendum(signature.ContentHash, number, actor.UserId, at, reason, text))),
                        ],
                    },
                    ct);
                await NoteAccess.RecordAsync(
                    audit, actor, client, AuditAction.Updated, AuditResult.Success, stored, ct,
                    ("event", "amended"), ("version", version.Number.ToString(CultureInfo.InvariantCulture)), ("hash", stored.Addenda[^1].Hash));
                return new NoteSaved(stored.Id, version.Number);
            },
            ct);
    }
}
