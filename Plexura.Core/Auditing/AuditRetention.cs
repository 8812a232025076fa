namespace Plexura.Core.Auditing;

/// <summary>How long audit events are kept (HIPAA: at least six years), and what that allows an operator to archive.</summary>
public static class AuditRetention
{
    /// <summary>Six years, counting the leap days they can hold.</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromDays((6 * 365) + 2);

    /// <summary>Whether events up to a chain head of <paramref name="headTime"/> are past retention at <paramref name="now"/>.</summary>
    public static bool IsPast(DateTimeOffset headTime, DateTimeOffset now) => headTime < now - Minimum;
}
