using Plexura.Core.Common;

namespace Plexura.Infrastructure.Auditing;

/// <summary>
/// One practice's statistic of one closed day (a day of a time zone that ended before the audit log could still
/// receive an event timestamped inside it), kept because the append-only log never changes it again.
/// </summary>
/// <param name="Id">The cache key: <c>{practice}|{kind}|{zone}|{yyyy-MM-dd}</c> (unique across practices), so one statistic's days sort by date.</param>
/// <param name="PracticeId">The practice whose events were counted.</param>
/// <param name="Kind">Which statistic (<c>day-counts</c>, or <c>actor-clients:</c> and the sorted action names).</param>
/// <param name="TimeZoneId">The IANA zone whose calendar day this is.</param>
/// <param name="Day">The day.</param>
/// <param name="Rows">The day's rows (empty when the day had no events): counts and enum names, never PHI.</param>
/// <param name="ComputedAt">When the rows were counted.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
public sealed record AuditDayStats(
    string Id,
    PracticeId PracticeId,
    string Kind,
    string TimeZoneId,
    DateOnly Day,
    IReadOnlyList<AuditDayStatsRow> Rows,
    DateTimeOffset ComputedAt,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors.</summary>
    public const string RecordType = "audit day statistics";
}

/// <summary>One row of a cached day: an action and result's count, or a member's distinct clients.</summary>
/// <param name="Action">The action's name (day counts).</param>
/// <param name="Result">The result's name (day counts).</param>
/// <param name="Actor">The member's user id (distinct clients per member).</param>
/// <param name="Count">The count.</param>
public sealed record AuditDayStatsRow(string? Action, string? Result, string? Actor, long Count);
