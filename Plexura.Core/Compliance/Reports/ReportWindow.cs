using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Core.Compliance.Reports;

/// <summary>The time range a compliance report covers, checked: start before end, at most <see cref="MaxSpan"/>.</summary>
/// <param name="From">Inclusive start.</param>
/// <param name="To">Exclusive end.</param>
public sealed record ReportWindow(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The longest range a report may cover: the six years HIPAA keeps the records, with room for a calendar year.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(7 * 366);

    /// <summary>How far back the accounting of disclosures and the access report reach by default (§ 164.528: six years).</summary>
    public static readonly TimeSpan SixYears = AuditRetention.Minimum;

    /// <summary>Shown when the start is not before the end.</summary>
    public const string StartAfterEndMessage = "The start of the range must be before its end.";

    /// <summary>Shown when the range is longer than <see cref="MaxSpan"/>.</summary>
    public const string TooLongMessage = "A report covers at most 7 years. Choose a shorter range.";

    /// <summary>
    /// The window from <paramref name="from"/> to <paramref name="to"/>: a missing end is just after <paramref name="now"/>
    /// (the end is exclusive, and an event of this very millisecond belongs in the report), a missing start is
    /// <paramref name="defaultSpan"/> before the end.
    /// </summary>
    /// <exception cref="ValidationFailedException">The start is not before the end, or the range is longer than 7 years.</exception>
    public static ReportWindow Resolve(DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now, TimeSpan defaultSpan)
    {
        var end = to ?? now.AddMilliseconds(1);
        var start = from ?? end - defaultSpan;
        if (start >= end)
        {
            throw new ValidationFailedException(StartAfterEndMessage);
        }

        if (end - start > MaxSpan)
        {
            throw new ValidationFailedException(TooLongMessage);
        }

        return new ReportWindow(start, end);
    }
}
