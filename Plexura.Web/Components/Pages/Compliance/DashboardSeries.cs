namespace Plexura.Web.Components.Pages.Compliance;

/// <summary>One named series of a dashboard chart, one value per label.</summary>
public sealed record DashboardSeries(string Name, IReadOnlyList<long> Values);
