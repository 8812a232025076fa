using Plexura.Core.Common;

namespace Plexura.Core.Practices;

/// <summary>A practice: the tenant. Every piece of practice data hangs off its id.</summary>
public sealed record Practice(PracticeId Id, string Name, DateTimeOffset CreatedAt, long Version = 0)
    : IPracticeOwned, IVersioned
{
    /// <summary>Longest accepted practice name.</summary>
    public const int MaxNameLength = 200;

    /// <inheritdoc />
    public PracticeId PracticeId => Id;
}
