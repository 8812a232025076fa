using Plexura.Core.Common;

namespace Plexura.Core.Security;

/// <summary>Where a PHI value lives: the ciphertext is bound to exactly this practice, record and field.</summary>
/// <param name="RecordType">The kind of record, for example "client".</param>
/// <param name="RecordId">The record's id.</param>
/// <param name="Field">The field's name, for example "name".</param>
public sealed record PhiField(string RecordType, string RecordId, string Field);

/// <summary>Encrypts and decrypts PHI fields with the practice's own data key.</summary>
/// <remarks>
/// AES-256-GCM with the practice, record and field as associated data: a ciphertext copied to another record,
/// field or practice fails to decrypt instead of revealing one client's data under another's name.
/// </remarks>
public interface IPhiProtector
{
    /// <summary>Encrypts <paramref name="plaintext"/> for this practice and field.</summary>
    ValueTask<string> ProtectAsync(PracticeId practiceId, PhiField field, string plaintext, CancellationToken ct);

    /// <summary>Decrypts a value produced by <see cref="ProtectAsync"/> for the same practice and field.</summary>
    /// <exception cref="PhiUnreadableException">Tampered, moved, or its practice key was destroyed.</exception>
    ValueTask<string> UnprotectAsync(PracticeId practiceId, PhiField field, string ciphertext, CancellationToken ct);
}

/// <summary>A PHI value cannot be decrypted. The message never contains the value or the key.</summary>
public sealed class PhiUnreadableException(string reason) : Exception(reason);
