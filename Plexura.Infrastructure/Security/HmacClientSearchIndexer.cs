using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Plexura.Core.Clients;
using Plexura.Core.Common;

namespace Plexura.Infrastructure.Security;

/// <summary>Blind-index tokens: HMAC-SHA256 under a per-practice search key, truncated to 12 bytes, base64url.</summary>
/// <remarks>
/// The search key is derived (HKDF-SHA256) from the practice's data key, not from the master key: destroying the
/// data key (crypto-shredding) then also destroys the only way to compute or confirm a token, so stored tokens can no
/// longer be tested against guessed names. A separate derived key keeps the data key used for AES-GCM only.
/// 96-bit tokens keep false matches out of reach (a collision among a practice's few hundred thousand terms has
/// odds around 2^-60) while keeping the index small.
/// </remarks>
internal sealed class HmacClientSearchIndexer(PracticeKeyService keys) : IClientSearchIndexer
{
    private const int TokenBytes = 12;

    public async ValueTask<IReadOnlyList<string>> IndexTokensAsync(PracticeId practiceId, string name, CancellationToken ct) =>
        await TokensAsync(practiceId, ClientSearchText.IndexTerms(name), ct);

    public async ValueTask<IReadOnlyList<string>> QueryTokensAsync(PracticeId practiceId, string query, CancellationToken ct) =>
        await TokensAsync(practiceId, ClientSearchText.QueryTerms(query), ct);

    private async ValueTask<IReadOnlyList<string>> TokensAsync(PracticeId practiceId, IReadOnlyList<string> terms, CancellationToken ct)
    {
        if (terms.Count == 0)
        {
            return [];
        }

        var dataKey = await keys.GetKeyAsync(practiceId, ct);
        var searchKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, dataKey, 32, salt: [], info: Encoding.UTF8.GetBytes($"plexura-client-search|v1|{practiceId}"));
        try
        {
            using var hmac = new HMACSHA256(searchKey);
            var tokens = new string[terms.Count];
            Span<byte> mac = stackalloc byte[32];
            for (var i = 0; i < terms.Count; i++)
            {
                hmac.TryComputeHash(Encoding.UTF8.GetBytes(terms[i]), mac, out _);
                tokens[i] = Base64Url.EncodeToString(mac[..TokenBytes]);
            }

            return tokens;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(searchKey);
        }
    }
}
