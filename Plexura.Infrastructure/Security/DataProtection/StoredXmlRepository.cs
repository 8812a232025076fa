using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Security.DataProtection;

/// <summary>Keeps the data protection key ring in the app's database (either engine).</summary>
/// <remarks>
/// The default key ring lives in a folder of the container or in memory: a restart or a second instance would refuse
/// every antiforgery token and circuit the first one issued. In the database every instance shares one ring.
/// <see cref="IXmlRepository"/> is synchronous; data protection calls it only when it loads or rotates the ring
/// (at start, then about once a day), never per request, so blocking on the async collection here is harmless.
/// </remarks>
internal sealed class StoredXmlRepository(IDocumentStore store) : IXmlRepository
{
    private readonly IDocumentCollection<DataProtectionKeyDocument> _keys = store.Collection(Collections.DataProtectionKeys);

    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. GetAllAsync(CancellationToken.None).GetAwaiter().GetResult().Select(k => XElement.Parse(k.Xml))];

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        StoreAsync(element, friendlyName, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Every stored element, oldest first.</summary>
    public Task<IReadOnlyList<DataProtectionKeyDocument>> GetAllAsync(CancellationToken ct) =>
        _keys.FindManyAsync(DocumentScope.Global, null, null, ct);

    /// <summary>Stores one element under a fresh id.</summary>
    public Task StoreAsync(XElement element, string friendlyName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(element);
        var name = string.IsNullOrWhiteSpace(friendlyName) ? "key" : friendlyName;
        return _keys.InsertAsync(
            DocumentScope.Global,
            new DataProtectionKeyDocument(Guid.CreateVersion7().ToString("D"), name, element.ToString(SaveOptions.DisableFormatting)),
            ct);
    }
}
