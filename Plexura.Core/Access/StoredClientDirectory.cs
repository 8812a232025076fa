using Plexura.Core.Clients;
using Plexura.Core.Common;
using Plexura.Core.Consent;

namespace Plexura.Core.Access;

/// <summary>The <see cref="IClientDirectory"/> over the stored clients and their consents.</summary>
/// <remarks>
/// Reads only what an access decision needs (creator, flags, archive state, whether a Part 2 disclosure consent is
/// active now) and never decrypts a field: deciding who may see a client must not itself read PHI. Both reads filter
/// by the caller's practice, so a client of another practice is simply absent (null).
/// </remarks>
public sealed class StoredClientDirectory(IClientRepository clients, IClientConsentRepository consents, TimeProvider time) : IClientDirectory
{
    /// <inheritdoc />
    public async Task<ClientAccessFacts?> GetFactsAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct)
    {
        var client = await clients.GetAsync(practiceId, clientId, ct);
        if (client is null)
        {
            return null;
        }

        var hasDisclosure = client.IsPart2
            && ConsentRules.ActiveDisclosures(await consents.ListForClientAsync(practiceId, clientId, ct), time.GetUtcNow()).Count > 0;
        return new ClientAccessFacts(client.Id, client.CreatedBy, client.IsRestricted, client.IsPart2, hasDisclosure, client.IsArchived);
    }
}
