using System.Globalization;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Core.Compliance.Export;

/// <summary>Which events an export holds. Every set filter must hold; an empty filter exports the whole chain.</summary>
/// <param name="From">Inclusive lower bound of the event time.</param>
/// <param name="To">Exclusive upper bound of the event time.</param>
/// <param name="Actions">Any of these actions (null: every action).</param>
/// <param name="Result">Only events that ended so.</param>
/// <param name="ActorUserId">Only events of this member.</param>
/// <param name="ClientId">Only events about this client (an id, never a name).</param>
/// <param name="TargetType">Only events on this kind of record.</param>
public sealed record AuditExportFilter(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    IReadOnlyList<AuditAction>? Actions = null,
    AuditResult? Result = null,
    UserId? ActorUserId = null,
    string? ClientId = null,
    string? TargetType = null)
{
    /// <summary>No filter: the whole chain.</summary>
    public static readonly AuditExportFilter None = new();

    /// <summary>Longest id or type filter value.</summary>
    public const int MaxValueLength = 128;

    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The filter as the store's query.</summary>
    public AuditQuery ToQuery() => new(
        From: From, To: To, Actions: Actions, Result: Result, ActorUserId: ActorUserId, ClientId: ClientId, TargetType: TargetType);

    /// <summary>The set filters by name with their values (ids, codes and times only), for the manifest.</summary>
    public IReadOnlyDictionary<string, string> Describe()
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (From is { } from)
        {
            d["from"] = AuditExportManifest.FormatTime(from);
        }

        if (To is { } to)
        {
            d["to"] = AuditExportManifest.FormatTime(to);
        }

        if (Actions is not null)
        {
            d["actions"] = string.Join(',', Actions.Distinct().Select(a => a.ToString()).Order(StringComparer.Ordinal));
        }

        if (Result is { } result)
        {
            d["result"] = result.ToString();
        }

        if (ActorUserId is { } actor)
        {
            d["actorUserId"] = actor.ToString();
        }

        if (ClientId is not null)
        {
            d["clientId"] = ClientId;
        }

        if (TargetType is not null)
        {
            d["targetType"] = TargetType;
        }

        return d;
    }

    /// <summary>The names of the set filters, comma-separated (for the audit event: never their values).</summary>
    public string Names() => Describe().Count == 0 ? "none" : string.Join(',', Describe().Keys);

    /// <summary>Throws <see cref="ValidationFailedException"/> with a message to show when the filter cannot be run.</summary>
    public void Validate()
    {
        foreach (var (name, time) in new[] { ("from", From), ("to", To) })
        {
            if (time is { } t && (t < Earliest || t > Latest))
            {
                throw new ValidationFailedException(string.Create(CultureInfo.InvariantCulture, $"The \"{name}\" time must be between {Earliest.Year} and {Latest.Year}."));
            }
        }

        if (From is { } f && To is { } u && f >= u)
        {
            throw new ValidationFailedException("\"from\" must be before \"to\".");
        }

        if (Actions is { } actions)
        {
            if (actions.Count == 0)
            {
                throw new ValidationFailedException("Choose at least one action, or no action filter.");
            }

            if (actions.Count > Enum.GetValues<AuditAction>().Length)
            {
                throw new ValidationFailedException("Too many actions: name each action at most once.");
            }

            if (actions.Any(a => !Enum.IsDefined(a)))
            {
                throw new ValidationFailedException("Unknown action.");
            }
        }

        if (Result is { } r && !Enum.IsDefined(r))
        {
            throw new ValidationFailedException("Unknown result.");
        }

        if (ClientId is { } c && (c.Length is 0 or > MaxValueLength))
        {
            throw new ValidationFailedException($"The client id must be 1 to {MaxValueLength} characters.");
        }

        if (TargetType is { } tt && (tt.Length is 0 or > MaxValueLength))
        {
            throw new ValidationFailedException($"The target type must be 1 to {MaxValueLength} characters.");
        }
    }
}
