using System.Globalization;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Core.Clients;

/// <summary>The audit details of a list or search page: how many clients it showed and which, by id.</summary>
/// <remarks>
/// A page of names is a disclosure of each client on it, so the log must answer "who saw this client's name": the
/// event lists the ids of the clients shown, never their names and never the query (people type names into it). Ids
/// are split over <c>clients-1</c>, <c>clients-2</c>, ... so each value stays within the log's detail length.
/// </remarks>
internal static class ShownClients
{
    /// <summary>The count under this key; the ids under <c>clients-1</c> and on.</summary>
    public const string CountKey = "shown";

    /// <summary>Ids per detail value: 36 characters each plus a comma, within <see cref="AuditLog.MaxDetailValueLength"/>.</summary>
    private const int IdsPerDetail = (AuditLog.MaxDetailValueLength + 1) / 37;

    /// <summary>The most ids one event can carry next to the count.</summary>
    public const int MaxIds = (AuditLog.MaxDetails - 2) * IdsPerDetail;

    /// <summary>The details naming <paramref name="shown"/>, plus <paramref name="extra"/>.</summary>
    public static (string Key, string Value)[] Details(IEnumerable<ClientId> shown, params (string Key, string Value)[] extra)
    {
        var ids = shown.Select(id => id.ToString()).ToList();
        if (ids.Count > MaxIds)
        {
            throw new InvalidOperationException($"An audited page shows at most {MaxIds} clients.");
        }

        var details = new List<(string, string)>(extra) { (CountKey, ids.Count.ToString(CultureInfo.InvariantCulture)) };
        details.AddRange(ids.Chunk(IdsPerDetail).Select((chunk, i) => ($"clients-{(i + 1).ToString(CultureInfo.InvariantCulture)}", string.Join(',', chunk))));
        return [.. details];
    }

    /// <summary>The client ids an event written by <see cref="Details"/> names, in order.</summary>
    public static IReadOnlyList<ClientId> Read(IReadOnlyDictionary<string, string> details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var ids = new List<ClientId>();
        for (var i = 1; details.TryGetValue($"clients-{i.ToString(CultureInfo.InvariantCulture)}", out var chunk); i++)
        {
            ids.AddRange(chunk.Split(',').Select(id => ClientId.Parse(id, CultureInfo.InvariantCulture)));
        }

        return ids;
    }
}
