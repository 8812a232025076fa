using System.Security.Cryptography;
using System.Text;
using Plexura.Core.Common;
using Plexura.Core.Security;

namespace Plexura.Infrastructure.Security;

/// <summary>AES-256-GCM field encryption with the practice's data key.</summary>
/// <remarks>
/// Format: <c>phi1.</c> + base64(nonce ‖ ciphertext ‖ tag). A fresh random 96-bit nonce per value. The associated
/// data names the practice, record type, record id and field, so a ciphertext is only readable where it was written.
/// </remarks>
internal sealed class AesGcmPhiProtector(PracticeKeyService keys) : IPhiProtector
{
    private const string Prefix = "phi1.";

    public async ValueTask<string> ProtectAsync(PracticeId practiceId, PhiField field, string plaintext, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(plaintext);
        var key = await keys.GetKeyAsync(practiceId, ct);
        var clear = Encoding.UTF8.GetBytes(plaintext);
        try
        {
            return Prefix + Convert.ToBase64String(AesGcmBox.Seal(key, clear, Aad(practiceId, field)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clear);
        }
    }

    public async ValueTask<string> UnprotectAsync(PracticeId practiceId, PhiField field, string ciphertext, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(ciphertext);
        if (!ciphertext.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new PhiUnreadableException("The value is not a protected PHI field.");
        }

        byte[] input;
        try
        {
            input = Convert.FromBase64String(ciphertext[Prefix.Length..]);
        }
        catch (FormatException)
        {
            throw new PhiUnreadableException("The protected value is malformed.");
        }

        var key = await keys.GetKeyAsync(practiceId, ct);
        byte[] clear;
        try
        {
            clear = AesGcmBox.Open(key, input, Aad(practiceId, field));
        }
        catch (CryptographicException)
        {
            throw new PhiUnreadableException("The protected value fails authentication: it was altered or belongs elsewhere.");
        }

        try
        {
            return Encoding.UTF8.GetString(clear);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clear);
        }
    }

    private static byte[] Aad(PracticeId practiceId, PhiField field) =>
        Encoding.UTF8.GetBytes($"plexura-phi|v1|{practiceId}|{field.RecordType}|{field.RecordId}|{field.Field}");
}
