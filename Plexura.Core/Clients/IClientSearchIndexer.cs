using Plexura.Core.Common;

namespace Plexura.Core.Clients;

/// <summary>Turns names into blind-index tokens under the practice's own search key.</summary>
/// <remarks>
/// A token is a truncated HMAC-SHA256 of one normalized word or prefix (<see cref="ClientSearchText"/>) under a key
/// derived from the practice's data key. The store matches tokens by equality, so a search never decrypts the
/// practice's clients one by one; only the page it returns is decrypted.
/// <para>
/// Leakage, accepted on purpose: within one practice, equal tokens show which clients share a name part or prefix
/// (someone with the database sees that two records both start "da", not what "da" is), and the token count hints
/// at name length. Across practices nothing links: keys differ, so identical names give unrelated tokens. Because
/// the key derives from the practice's data key, crypto-shredding that key also makes the tokens meaningless.
/// </para>
/// </remarks>
public interface IClientSearchIndexer
{
    /// <summary>The tokens to store for a client named <paramref name="name"/>: every word and prefix.</summary>
    ValueTask<IReadOnlyList<string>> IndexTokensAsync(PracticeId practiceId, string name, CancellationToken ct);

    /// <summary>One token per query word (a whole word or its prefix); empty when no word is long enough.</summary>
    ValueTask<IReadOnlyList<string>> QueryTokensAsync(PracticeId practiceId, string query, CancellationToken ct);
}
