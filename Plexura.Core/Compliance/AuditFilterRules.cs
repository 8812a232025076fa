using System.Globalization;
using System.Net;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Core.Compliance;

/// <summary>A filter over the audit log as a person or an API caller typed it: every value still text.</summary>
/// <param name="From">Start: a date (<c>2026-12-01</c>, the start of that day in the practice's zone) or an instant with an offset (ISO 8601).</param>
/// <param name="To">End: a date (the end of that day in the practice's zone, inclusive) or an instant (exclusive).</param>
/// <param name="Actions">Action names (<see cref="AuditAction"/>), any of which matches.</param>
/// <param name="Actor">The acting member's user id.</param>
/// <param name="Client">The client's id (an opaque id, never a name).</param>
/// <param name="Result">A result name (<see cref="AuditResult"/>).</param>
/// <param name="TargetType">The kind of record acted on ("client", "session").</param>
/// <param name="TargetId">The record's id.</param>
/// <param name="SourceIp">The exact source IP address.</param>
public sealed record AuditFilterInput(
    string? From = null,
    string? To = null,
    IReadOnlyList<string>? Actions = null,
    string? Actor = null,
    string? Client = null,
    string? Result = null,
    string? TargetType = null,
    string? TargetId = null,
    string? SourceIp = null);

/// <summary>A checked filter over one practice's audit log, ready to become an <see cref="AuditQuery"/>.</summary>
/// <param name="From">Inclusive start instant.</param>
/// <param name="To">Exclusive end instant.</param>
/// <param name="Actions">Any of these actions (empty: every action).</param>
/// <param name="Actor">The acting member.</param>
/// <param name="ClientId">The client id, in its canonical form.</param>
/// <param name="Result">How it ended.</param>
/// <param name="TargetType">The kind of record.</param>
/// <param name="TargetId">The record's id.</param>
/// <param name="SourceIp">The source IP address, in its canonical form.</param>
public sealed record AuditLogFilter(
    DateTimeOffset? From,
    DateTimeOffset? To,
    IReadOnlyList<AuditAction> Actions,
    UserId? Actor,
    string? ClientId,
    AuditResult? Result,
    string? TargetType,
    string? TargetId,
    string? SourceIp)
{
    /// <summary>No filter: every event.</summary>
    public static readonly AuditLogFilter None = new(null, null, [], null, null, null, null, null, null);

    /// <summary>The names of the filters that are set, in a fixed order (for the audit event: names, never values).</summary>
    public IReadOnlyList<string> SetNames()
    {
        var names = new List<string>(9);
        Add(names, "from", From is not null);
        Add(names, "to", To is not null);
        Add(names, "action", Actions.Count > 0);
        Add(names, "actor", Actor is not null);
        Add(names, "client", ClientId is not null);
        Add(names, "result", Result is not null);
        Add(names, "target-type", TargetType is not null);
        Add(names, "target-id", TargetId is not null);
        Add(names, "ip", SourceIp is not null);
        return names;
    }

    /// <summary>The store query for this filter (newest first, <paramref name="limit"/> at most).</summary>
    public AuditQuery ToQuery(int limit, long? beforeSequence = null, long? afterSequence = null) => new(
        From: From,
        To: To,
        ActorUserId: Actor,
        ClientId: ClientId,
        Result: Result,
        Limit: limit,
        Actions: Actions.Count > 0 ? Actions : null,
        TargetType: TargetType,
        TargetId: TargetId,
        SourceIp: SourceIp,
        BeforeSequence: beforeSequence,
        AfterSequence: afterSequence);

    private static void Add(List<string> names, string name, bool set)
    {
        if (set)
        {
            names.Add(name);
        }
    }
}

/// <summary>Why a filter was refused: a code for the audit event and a message to show.</summary>
/// <param name="Code">A short code naming no value (<c>range-too-long</c>, <c>too-many-values</c>).</param>
/// <param name="Message">What to show; it repeats no value the caller sent.</param>
public sealed record AuditFilterProblem(string Code, string Message);

/// <summary>The limits and parsing of audit-log filters, shared by the viewer, the exports and the reports.</summary>
/// <remarks>
/// A filter is refused as a whole with a message that names the field and the limit, never the value sent (a value
/// could hold anything, including PHI typed in the wrong box). Ids are parsed (a client or member id is a GUID), names
/// are checked against the closed enums, text is bounded; a range may span at most <see cref="MaxRangeDays"/> days
/// (the six years of retention and some) and must not end before it starts.
/// </remarks>
public static class AuditFilterRules
{
    /// <summary>Longest time range, in days (seven years).</summary>
    public const int MaxRangeDays = 7 * 366;

    /// <summary>Most values of one multi-value filter (actions).</summary>
    public const int MaxValues = 20;

    /// <summary>Longest text value (target type, target id, IP address, date).</summary>
    public const int MaxTextLength = 128;

    /// <summary>The parsed filter, or the reason it was refused.</summary>
    /// <param name="input">The filter as typed.</param>
    /// <param name="zone">The practice's zone, for values given as dates.</param>
    public static (AuditLogFilter? Filter, AuditFilterProblem? Problem) Parse(AuditFilterInput input, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(zone);
        var (from, fromError) = ParseMoment(Trim(input.From), zone, endOfDay: false, "start");
        if (fromError is not null)
        {
            return (null, fromError);
        }

        var (to, toError) = ParseMoment(Trim(input.To), zone, endOfDay: true, "end");
        if (toError is not null)
        {
            return (null, toError);
        }

        if (from is { } f && to is { } t)
        {
            if (t < f)
            {
                return Fail("range-reversed", "The start of the time range is after its end. Swap them or pick other dates.");
            }

            if (t - f > TimeSpan.FromDays(MaxRangeDays))
            {
                return Fail("range-too-long", $"A time range spans at most 7 years ({MaxRangeDays} days). Pick a shorter range.");
            }
        }

        var actions = new List<AuditAction>();
        var actionValues = input.Actions?.Where(a => !string.IsNullOrWhiteSpace(a)).ToList() ?? [];
        if (actionValues.Count > MaxValues)
        {
            return Fail("too-many-values", $"Pick at most {MaxValues} actions.");
        }

        foreach (var value in actionValues)
        {
            var name = value.Trim();
            if (name.Length > MaxTextLength || !Enum.TryParse<AuditAction>(name, ignoreCase: true, out var action)
                || !Enum.IsDefined(action) || IsNumeric(name))
            {
                return Fail("unknown-action", "One of the actions is not an action of the audit log. Pick them from the list.");
            }

            if (!actions.Contains(action))
            {
                actions.Add(action);
            }
        }

        UserId? actor = null;
        if (Trim(input.Actor) is { } actorText)
        {
            if (actorText.Length > MaxTextLength || !UserId.TryParse(actorText, CultureInfo.InvariantCulture, out var parsed))
            {
                return Fail("bad-actor", "The member filter takes a member's id (as shown on an event), not a name or an email.");
            }

            actor = parsed;
        }

        string? client = null;
        if (Trim(input.Client) is { } clientText)
        {
            if (clientText.Length > MaxTextLength || !Guid.TryParse(clientText, out var clientGuid))
            {
                return Fail("bad-client", "The client filter takes a client's id (as shown on an event), never a name.");
            }

            client = clientGuid.ToString("D");
        }

        AuditResult? result = null;
        if (Trim(input.Result) is { } resultText)
        {
            if (resultText.Length > MaxTextLength || IsNumeric(resultText)
                || !Enum.TryParse<AuditResult>(resultText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return Fail("unknown-result", "The result filter is one of Success, Denied or Failed.");
            }

            result = parsed;
        }

        string? ip = null;
        if (Trim(input.SourceIp) is { } ipText)
        {
            if (ipText.Length > MaxTextLength || !IPAddress.TryParse(ipText, out var address))
            {
                return Fail("bad-ip", "The IP address filter takes one address, like 203.0.113.7 or 2001:db8::1.");
            }

            ip = address.ToString();
        }

        foreach (var (text, field) in new[] { (input.TargetType, "record kind"), (input.TargetId, "record id") })
        {
            if (Clean(text, field) is { Problem: { } problem })
            {
                return (null, problem);
            }
        }

        return (new AuditLogFilter(from, to, actions, actor, client, result, Trim(input.TargetType), Trim(input.TargetId), ip), null);
    }

    /// <summary>Parses <paramref name="input"/> or throws <see cref="ValidationFailedException"/> with the problem's message.</summary>
    public static AuditLogFilter ParseOrThrow(AuditFilterInput input, TimeZoneInfo zone)
    {
        var (filter, problem) = Parse(input, zone);
        return filter ?? throw new ValidationFailedException(problem!.Message);
    }

    /// <summary>The names of the fields of <paramref name="input"/> that hold something (for auditing a refused filter).</summary>
    public static IReadOnlyList<string> SetNames(AuditFilterInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var names = new List<string>(9);
        void Add(string name, bool set)
        {
            if (set)
            {
                names.Add(name);
            }
        }

        Add("from", !string.IsNullOrWhiteSpace(input.From));
        Add("to", !string.IsNullOrWhiteSpace(input.To));
        Add("action", input.Actions is { Count: > 0 });
        Add("actor", !string.IsNullOrWhiteSpace(input.Actor));
        Add("client", !string.IsNullOrWhiteSpace(input.Client));
        Add("result", !string.IsNullOrWhiteSpace(input.Result));
        Add("target-type", !string.IsNullOrWhiteSpace(input.TargetType));
        Add("target-id", !string.IsNullOrWhiteSpace(input.TargetId));
        Add("ip", !string.IsNullOrWhiteSpace(input.SourceIp));
        return names;
    }

    private static (DateTimeOffset? Value, AuditFilterProblem? Problem) ParseMoment(string? text, TimeZoneInfo zone, bool endOfDay, string field)
    {
        if (text is null)
        {
            return (null, null);
        }

        var invalid = new AuditFilterProblem("bad-date", $"The {field} of the time range is a date (2026-12-01) or a time with its offset (2026-12-01T09:30:00Z).");
        if (text.Length > MaxTextLength)
        {
            return (null, invalid);
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            // A date means the whole day where the practice is: from its first moment, to the first moment of the next day.
            var day = endOfDay ? date.AddDays(1) : date;
            if (day.Year > 9998)
            {
                return (null, invalid);
            }

            var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            while (zone.IsInvalidTime(local))
            {
                local = local.AddMinutes(15);
            }

            var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
            return (new DateTimeOffset(local, offset).ToUniversalTime(), null);
        }

        // An instant must say its offset: a bare local time would be read in the server's zone.
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > 10;
        if (hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return (instant.ToUniversalTime(), null);
        }

        return (null, invalid);
    }

    private static (string? Value, AuditFilterProblem? Problem) Clean(string? text, string field)
    {
        var trimmed = Trim(text);
        if (trimmed is null)
        {
            return (null, null);
        }

        if (trimmed.Length > MaxTextLength || trimmed.Any(char.IsControl))
        {
            return (null, new AuditFilterProblem("bad-text", $"The {field} filter takes at most {MaxTextLength} characters, without control characters."));
        }

        return (trimmed, null);
    }

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static bool IsNumeric(string text) => text.All(c => char.IsAsciiDigit(c) || c is '-' or '+' or ',' or ' ');

    private static (AuditLogFilter? Filter, AuditFilterProblem? Problem) Fail(string code, string message) => (null, new AuditFilterProblem(code, message));
}
