using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Compliance.SearchAuditLog;

/// <summary>One page of the practice's audit log, newest first.</summary>
/// <param name="Filter">The filter as typed (checked by <see cref="AuditFilterRules"/>).</param>
/// <param name="Before">Keyset "Older": only events older than this sequence number.</param>
/// <param name="After">Keyset "Newer": the page of events just newer than this sequence number.</param>
/// <param name="PageSize">Events per page (1..<see cref="SearchAuditLogHandler.MaxPageSize"/>).</param>
public sealed record SearchAuditLogCommand(AuditFilterInput Filter, long? Before = null, long? After = null, int PageSize = SearchAuditLogHandler.DefaultPageSize);

/// <summary>A page of audit events with the cursors of its neighbours.</summary>
/// <param name="Events">The events, newest first, every field as stored (hashes included).</param>
/// <param name="Older">The <c>Before</c> cursor of the next older page, or null when this page holds the oldest match.</param>
/// <param name="Newer">The <c>After</c> cursor of the next newer page, or null when this page starts at the newest match.</param>
/// <param name="Filter">The checked filter the page was read with.</param>
public sealed record AuditLogPage(IReadOnlyList<AuditEvent> Events, long? Older, long? Newer, AuditLogFilter Filter);

/// <summary>Reads one page of the practice's audit log for owners, admins and compliance staff (HIPAA 5.2).</summary>
/// <remarks>
/// <see cref="PracticePolicy.CanReadAuditLog"/> decides (a refusal is audited Denied by the gate). A filter the rules
/// refuse is audited as <see cref="AuditAction.AuditLogViewed"/> with result Failed and the rule's code, then thrown as
/// <see cref="ValidationFailedException"/>. Every page read is audited as <see cref="AuditAction.AuditLogViewed"/>, target
/// <c>audit-log</c>, naming only which filters were set and which page (first, older, newer): never a value, which could
/// be a client's id or hold anything typed in the wrong box. The store filters by the signed-in member's practice, so
/// another practice's events are never read. Paging is by sequence number (keyset), so a page costs the same at the
/// millionth event as at the first.
/// </remarks>
public sealed class SearchAuditLogHandler(PracticeAccessGate gate, IAuditStore store, IAuditLog audit)
{
    /// <summary>The target type of the audit events this writes.</summary>
    public const string TargetType = "audit-log";

    /// <summary>Events per page unless asked otherwise.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>Most events per page.</summary>
    public const int MaxPageSize = 200;

    /// <summary>The page; throws <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task<AuditLogPage> HandleAsync(SearchAuditLogCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanReadAuditLog, AuditAction.AuditLogViewed, TargetType, client, ct);
        var page = command.Before is not null ? "older" : command.After is not null ? "newer" : "first";
        var (filter, problem) = AuditFilterRules.Parse(command.Filter ?? new AuditFilterInput(), PracticeTimeZone.Find(actor.PracticeTimeZoneId));
        problem ??= CheckPaging(command);
        if (filter is null || problem is not null)
        {
            problem ??= new AuditFilterProblem("bad-filter", "The filter could not be read.");
            await RecordAsync(actor, client, AuditResult.Failed, AuditFilterRules.SetNames(command.Filter ?? new AuditFilterInput()), page, problem.Code, ct);
            throw new ValidationFailedException(problem.Message);
        }

        var size = command.PageSize;
        IReadOnlyList<AuditEvent> events;
        long? older;
        long? newer;
        if (command.After is { } after)
        {
            // The page just newer than the cursor: the oldest matches above it, shown newest first.
            var ascending = new List<AuditEvent>(size + 1);
            await foreach (var e in store.StreamAsync(actor.PracticeId, filter.ToQuery(size + 1, afterSequence: after), ct))
            {
                ascending.Add(e);
                if (ascending.Count > size)
                {
                    break;
                }
            }

            var hasNewer = ascending.Count > size;
            events = [.. ascending.Take(size).Reverse()];
            newer = hasNewer && events.Count > 0 ? events[0].Sequence : null;
            older = events.Count > 0 ? events[^1].Sequence : after + 1;
        }
        else
        {
            var found = await store.QueryAsync(actor.PracticeId, filter.ToQuery(size + 1, beforeSequence: command.Before), ct);
            events = [.. found.Take(size)];
            older = found.Count > size ? events[^1].Sequence : null;
            newer = command.Before is { } before ? (events.Count > 0 ? events[0].Sequence : before - 1) : null;
        }

        await RecordAsync(actor, client, AuditResult.Success, filter.SetNames(), page, null, ct);
        return new AuditLogPage(events, older, newer, filter);
    }

    private static AuditFilterProblem? CheckPaging(SearchAuditLogCommand command)
    {
        if (command.PageSize is < 1 or > MaxPageSize)
        {
            return new AuditFilterProblem("bad-page-size", $"A page holds 1 to {MaxPageSize} events.");
        }

        if (command.Before is not null && command.After is not null)
        {
            return new AuditFilterProblem("bad-cursor", "Ask for older or newer events, not both.");
        }

        return command.Before is < 1 || command.After is < 0
            ? new AuditFilterProblem("bad-cursor", "The page cursor is a sequence number from a page of the log.")
            : null;
    }

    private Task<AuditEvent> RecordAsync(
        PracticeActor actor, ClientInfo client, AuditResult result, IReadOnlyList<string> filterNames, string page, string? reason, CancellationToken ct)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["filters"] = filterNames.Count == 0 ? "none" : string.Join(',', filterNames),
            ["page"] = page,
        };
        if (reason is not null)
        {
            details["reason"] = reason;
        }

        return audit.RecordAsync(
            new AuditEntry(
                actor.PracticeId,
                new AuditActor(actor.UserId, actor.Email),
                client.SourceIp,
                client.UserAgent,
                AuditAction.AuditLogViewed,
                TargetType,
                null,
                null,
                result,
                details),
            ct);
    }
}
