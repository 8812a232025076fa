using Plexura.Core.Common;

namespace Plexura.Core.Clients;

/// <summary>A client (patient) of a practice, as stored: identifying fields only as ciphertexts.</summary>
/// <param name="Id">The client id (version 7: sorts by creation time).</param>
/// <param name="PracticeId">The owning practice.</param>
/// <param name="ProtectedName">The name, encrypted with the practice's data key.</param>
/// <param name="ProtectedDateOfBirth">The date of birth as ISO <c>yyyy-MM-dd</c> text, encrypted.</param>
/// <param name="ProtectedPronouns">The pronouns, encrypted, or null.</param>
/// <param name="ProtectedExternalRecordNumber">The record number in the practice's EHR, encrypted, or null.</param>
/// <param name="SearchTokens">Blind-index tokens of the name's words and their prefixes (see <see cref="IClientSearchIndexer"/>).</param>
/// <param name="CreatedAt">When the client was added.</param>
/// <param name="CreatedBy">Who added the client.</param>
/// <param name="UpdatedAt">When the record last changed.</param>
/// <param name="ArchivedAt">When the client was archived, or null. Clients are archived, never deleted.</param>
/// <param name="IsRestricted">The client asked for a restriction (HIPAA § 164.522): no push to the EHR and no export.</param>
/// <param name="IsPart2">The record is a substance-use disorder record under 42 CFR Part 2.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <remarks>
/// PHI never sits in this record in clear: a database dump, a log line of the record or a backup shows ciphertexts
/// bound (by AES-GCM associated data) to this practice, this client and this field, and HMAC tokens under a
/// per-practice key. Read and write the plain values through <see cref="ClientProtector"/>. Archiving instead of
/// deleting keeps the record set complete for the right of access and the accounting of disclosures.
/// </remarks>
public sealed record Client(
    ClientId Id,
    PracticeId PracticeId,
    string ProtectedName,
    string ProtectedDateOfBirth,
    string? ProtectedPronouns,
    string? ProtectedExternalRecordNumber,
    IReadOnlyList<string> SearchTokens,
    DateTimeOffset CreatedAt,
    UserId CreatedBy,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ArchivedAt = null,
    bool IsRestricted = false,
    bool IsPart2 = false,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in PHI associated data and in errors.</summary>
    public const string RecordType = "client";

    /// <summary>True once the client is archived.</summary>
    public bool IsArchived => ArchivedAt is not null;

    /// <summary>Whether the note may be pushed to the EHR or the record exported.</summary>
    /// <remarks>A § 164.522 restriction the practice agreed to blocks both; the check fails closed on the flag alone.</remarks>
    public bool AllowsPushAndExport => !IsRestricted;
}

/// <summary>The plain, identifying details of a client. Never log or show this record whole.</summary>
/// <param name="Name">The full name.</param>
/// <param name="DateOfBirth">The date of birth.</param>
/// <param name="Pronouns">Optional pronouns.</param>
/// <param name="ExternalRecordNumber">Optional record number in the practice's EHR.</param>
/// <remarks>
/// <see cref="ToString"/> is overridden: a record's generated one prints every value, and a stray
/// <c>logger.LogInformation("{Details}", details)</c> would otherwise write PHI to the logs.
/// </remarks>
public sealed record ClientDetails(string Name, DateOnly DateOfBirth, string? Pronouns = null, string? ExternalRecordNumber = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(ClientDetails)} {{ PHI hidden }}";
}
