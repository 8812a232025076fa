using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Plexura.Core.Common;

namespace Plexura.Core.Access.Emergency;

/// <summary>Identifies one break-glass emergency access.</summary>
[JsonConverter(typeof(TypedIdJsonConverter<EmergencyAccessId>))]
public readonly record struct EmergencyAccessId(Guid Value) : ITypedId, IParsable<EmergencyAccessId>
{
    /// <summary>A new time-ordered id.</summary>
    public static EmergencyAccessId New() => new(Guid.CreateVersion7());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("D");

    /// <inheritdoc />
    public static EmergencyAccessId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out EmergencyAccessId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new EmergencyAccessId(g);
        return ok;
    }
}

/// <summary>One break-glass emergency access (HIPAA 5.1): a designated member's time-limited view of a client they cannot otherwise see.</summary>
/// <param name="Id">The access.</param>
/// <param name="PracticeId">The practice.</param>
/// <param name="ClientId">The client it opens, for viewing only.</param>
/// <param name="DeclaredBy">The member who declared it.</param>
/// <param name="DeclaredAt">When.</param>
/// <param name="ExpiresAt">When the view access ends (the practice's window at declaration).</param>
/// <param name="ReasonCiphertext">The stated reason, encrypted with the practice key: it may name the client's situation (PHI).</param>
/// <param name="ReviewedBy">The owner or compliance officer who acknowledged the use, once reviewed.</param>
/// <param name="ReviewedAt">When it was acknowledged.</param>
/// <param name="ReviewNoteCiphertext">The reviewer's optional note, encrypted like the reason.</param>
/// <param name="Version">The optimistic-concurrency version (an acknowledgement is a versioned update, so it happens once).</param>
public sealed record EmergencyAccess(
    EmergencyAccessId Id,
    PracticeId PracticeId,
    ClientId ClientId,
    UserId DeclaredBy,
    DateTimeOffset DeclaredAt,
    DateTimeOffset ExpiresAt,
    string ReasonCiphertext,
    UserId? ReviewedBy = null,
    DateTimeOffset? ReviewedAt = null,
    string? ReviewNoteCiphertext = null,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type, for audit targets and PHI field binding.</summary>
    public const string RecordType = "emergency-access";

    /// <summary>The longest reason accepted.</summary>
    public const int MaxReasonLength = 1000;

    /// <summary>The longest review note accepted.</summary>
    public const int MaxNoteLength = 1000;

    /// <summary>The member-and-client key the active-access lookup uses (indexed, not unique: one member may declare again later).</summary>
    public string MemberClientKey => KeyOf(DeclaredBy, ClientId);

    /// <summary>Whether an owner or compliance officer acknowledged it.</summary>
    public bool IsReviewed => ReviewedAt is not null;

    /// <summary>The key of <paramref name="userId"/> and <paramref name="clientId"/>.</summary>
    public static string KeyOf(UserId userId, ClientId clientId) => $"{userId}:{clientId}";

    /// <summary>Whether it still opens the client at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => now < ExpiresAt;
}

/// <summary>Stores emergency accesses; every call is scoped to one practice.</summary>
public interface IEmergencyAccessRepository
{
    /// <summary>Adds a new access.</summary>
    Task AddAsync(PracticeId practiceId, EmergencyAccess access, CancellationToken ct);

    /// <summary>The access, or null when it is not in the practice.</summary>
    Task<EmergencyAccess?> GetAsync(PracticeId practiceId, EmergencyAccessId id, CancellationToken ct);

    /// <summary>The member's access to the client that is still active at <paramref name="now"/> (the latest one), or null.</summary>
    Task<EmergencyAccess?> FindActiveAsync(PracticeId practiceId, UserId userId, ClientId clientId, DateTimeOffset now, CancellationToken ct);

    /// <summary>The practice's accesses, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<EmergencyAccess>> ListAsync(PracticeId practiceId, int limit, CancellationToken ct);

    /// <summary>Replaces the access if its stored version is still the one it carries (<see cref="ConcurrencyConflictException"/> otherwise).</summary>
    Task<EmergencyAccess> UpdateAsync(PracticeId practiceId, EmergencyAccess access, CancellationToken ct);
}
