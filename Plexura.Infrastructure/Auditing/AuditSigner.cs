using System.Security.Cryptography;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Common;
using Plexura.Core.Security;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Auditing;

/// <summary>A practice's stored export signing key: the public key in the clear, the private key protected by the master key.</summary>
/// <param name="Id">The practice id (one key per practice).</param>
/// <param name="PracticeId">The practice.</param>
/// <param name="KeyId">The key id (<see cref="AuditSignatures.KeyIdOf"/>).</param>
/// <param name="PublicKeyPem">The public key, PEM.</param>
/// <param name="ProtectedPrivateKey">The PKCS#8 private key, protected by <see cref="ISecretProtector"/>.</param>
/// <param name="CreatedAt">When the key was made.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
public sealed record AuditSigningKeyDocument(
    string Id,
    PracticeId PracticeId,
    string KeyId,
    string PublicKeyPem,
    string ProtectedPrivateKey,
    DateTimeOffset CreatedAt,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors.</summary>
    public const string RecordType = "audit signing key";
}

/// <summary>Signs with each practice's ECDSA P-256 key, made on first use and kept (private part encrypted) in the database.</summary>
/// <remarks>
/// Two instances making the first key of a practice at once race on the unique document id: the loser reads the
/// winner's key, so a practice only ever has one. Keys are cached per process (they never change once made).
/// </remarks>
internal sealed class AuditSigner(IDocumentStore store, ISecretProtector secrets, TimeProvider time) : IAuditSigner
{
    private const string Purpose = "audit-signing-key";

    private readonly IDocumentCollection<AuditSigningKeyDocument> _keys = store.Collection(Collections.AuditSigningKeys);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<PracticeId, AuditSigningKeyDocument> _cache = new();

    public async Task<AuditSignature> SignAsync(PracticeId practiceId, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var document = await GetOrCreateAsync(practiceId, ct);
        using var key = ECDsa.Create();
        var pkcs8 = Convert.FromBase64String(secrets.Unprotect(Purpose, practiceId.ToString(), document.ProtectedPrivateKey));
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8, out _);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }

        var signature = key.SignData(data.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new AuditSignature(document.KeyId, AuditSignatures.Algorithm, Convert.ToBase64String(signature));
    }

    public async Task<AuditPublicKey> GetPublicKeyAsync(PracticeId practiceId, CancellationToken ct)
    {
        var document = await GetOrCreateAsync(practiceId, ct);
        return new AuditPublicKey(document.KeyId, document.PublicKeyPem);
    }

    private async Task<AuditSigningKeyDocument> GetOrCreateAsync(PracticeId practiceId, CancellationToken ct)
    {
        if (_cache.TryGetValue(practiceId, out var cached))
        {
            return cached;
        }

        var scope = DocumentScope.Practice(practiceId);
        var stored = await _keys.GetAsync(scope, practiceId.ToString(), ct);
        if (stored is null)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var spki = key.ExportSubjectPublicKeyInfo();
            var pkcs8 = key.ExportPkcs8PrivateKey();
            try
            {
                stored = new AuditSigningKeyDocument(
                    practiceId.ToString(),
                    practiceId,
                    AuditSignatures.KeyIdOf(spki),
                    key.ExportSubjectPublicKeyInfoPem(),
                    secrets.Protect(Purpose, practiceId.ToString(), Convert.ToBase64String(pkcs8)),
                    time.GetUtcNow());
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }

            try
            {
                await _keys.InsertAsync(scope, stored, ct);
            }
            catch (DuplicateRecordException)
            {
                stored = await _keys.GetAsync(scope, practiceId.ToString(), ct)
                    ?? throw new ConcurrencyConflictException(AuditSigningKeyDocument.RecordType);
            }
        }

        return _cache.GetOrAdd(practiceId, stored);
    }
}
