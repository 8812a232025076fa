using Plexura.Core.Auditing;

namespace Plexura.Core.Compliance;

/// <summary>When the compliance dashboard raises an investigation card: the thresholds, in one place.</summary>
/// <remarks>
/// HIPAA statement 3.5 asks that repeated failed sign-ins trigger an investigation; the other cards point at the
/// patterns an access review looks for (a member suddenly opening many more clients than usual, access at night,
/// break-glass use). The numbers are deliberately simple so a compliance officer can state them in a report.
/// </remarks>
public static class InvestigationRules
{
    /// <summary>How far back the failed sign-in and unusual-access cards look from now.</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromHours(24);

    /// <summary>Failed sign-ins of one account within <see cref="RecentWindow"/> that raise the card.</summary>
    public const int FailedSignInsPerAccount = 5;

    /// <summary>Failed sign-ins from one IP address within <see cref="RecentWindow"/> that raise the card (an office shares one address).</summary>
    public const int FailedSignInsPerIp = 10;

    /// <summary>Days before today that make a member's baseline of distinct clients opened per day.</summary>
    public const int BaselineDays = 30;

    /// <summary>Days with activity a baseline needs; with fewer the member is compared with <see cref="NoBaselineMinClients"/>.</summary>
    public const int MinBaselineDays = 5;

    /// <summary>How many times their usual daily number of clients (the median of their active days) counts as far more.</summary>
    public const int UnusualFactor = 3;

    /// <summary>Fewest distinct clients in <see cref="RecentWindow"/> that can be unusual at all (three clients instead of one is a normal day).</summary>
    public const int UnusualMinClients = 10;

    /// <summary>Distinct clients in <see cref="RecentWindow"/> that are unusual for a member without a baseline yet.</summary>
    public const int NoBaselineMinClients = 20;

    /// <summary>What counts as opening a client for the unusual-access card.</summary>
    public static readonly IReadOnlyList<AuditAction> ClientOpenings = [AuditAction.PhiViewed];

    /// <summary>What counts as access to PHI for the outside-working-hours card.</summary>
    public static readonly IReadOnlyList<AuditAction> PhiAccess =
        [AuditAction.PhiViewed, AuditAction.Exported, AuditAction.EhrPushed, AuditAction.EmergencyAccess];

    /// <summary>The median of <paramref name="values"/> (0 for none).</summary>
    public static double Median(IReadOnlyList<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    /// <summary>Whether <paramref name="recentClients"/> distinct clients in the recent window are far more than the member's baseline.</summary>
    /// <param name="recentClients">Distinct clients the member opened within <see cref="RecentWindow"/>.</param>
    /// <param name="activeDays">Distinct clients per day on each baseline day the member opened any (days without any are left out).</param>
    /// <returns>The verdict with the baseline it used (null when there were too few active days for one).</returns>
    public static UnusualAccessVerdict JudgeClientOpenings(long recentClients, IReadOnlyList<long> activeDays)
    {
        ArgumentNullException.ThrowIfNull(activeDays);
        if (activeDays.Count < MinBaselineDays)
        {
            return new UnusualAccessVerdict(recentClients >= NoBaselineMinClients, null);
        }

        var median = Median(activeDays);
        return new UnusualAccessVerdict(recentClients >= UnusualMinClients && recentClients >= UnusualFactor * median, median);
    }
}

/// <summary>Whether a member's recent client openings are unusual, and the baseline (median per active day) they were compared with.</summary>
public sealed record UnusualAccessVerdict(bool IsUnusual, double? Baseline);
