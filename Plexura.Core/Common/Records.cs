namespace Plexura.Core.Common;

/// <summary>A stored record that belongs to exactly one practice.</summary>
/// <remarks>
/// Tenancy fails closed: every repository method for such a record takes the practice id first and filters on it
/// in the query itself, so a record of another practice is simply "not found". Architecture tests enforce this.
/// </remarks>
public interface IPracticeOwned
{
    /// <summary>The owning practice.</summary>
    PracticeId PracticeId { get; }
}

/// <summary>A stored record with an optimistic-concurrency version, incremented by every successful update.</summary>
public interface IVersioned
{
    /// <summary>The version this copy was read at; an update with a stale version fails.</summary>
    long Version { get; }
}

/// <summary>Marks a stored record type that belongs to no single practice, with the reason why.</summary>
/// <remarks>Architecture tests require every stored record to be practice-owned or carry this marker.</remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GlobalRecordAttribute(string reason) : Attribute
{
    /// <summary>Why this record is not owned by one practice.</summary>
    public string Reason { get; } = reason;
}

/// <summary>Marks a repository method that deliberately reads across practices, with the reason why.</summary>
/// <remarks>Only for lookups keyed by the signed-in user's own identity (for example "my memberships").</remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class CrossPracticeAttribute(string reason) : Attribute
{
    /// <summary>Why the method does not take a practice id.</summary>
    public string Reason { get; } = reason;
}
