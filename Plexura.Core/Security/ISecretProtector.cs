namespace Plexura.Core.Security;

/// <summary>Encrypts small credentials at rest (TOTP secrets), bound to what they are for and whose they are.</summary>
/// <remarks>
/// Secrets are encrypted with a key derived from the master key, not with a practice's data key: a user's second
/// factor belongs to the person, who may be a member of several practices, and must survive a practice being
/// crypto-shredded. The purpose and subject id are authenticated, so a secret copied to another user or field fails
/// to decrypt.
/// </remarks>
public interface ISecretProtector
{
    /// <summary>Encrypts <paramref name="plaintext"/> for this purpose (for example <c>totp</c>) and subject (the user id).</summary>
    string Protect(string purpose, string subjectId, string plaintext);

    /// <summary>Decrypts a value produced by <see cref="Protect"/> for the same purpose and subject.</summary>
    /// <exception cref="SecretUnreadableException">Tampered, moved, or its master key is no longer configured.</exception>
    string Unprotect(string purpose, string subjectId, string protectedValue);
}

/// <summary>A protected secret cannot be decrypted. The message never contains the value or the key.</summary>
public sealed class SecretUnreadableException(string reason) : Exception(reason);
