using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Plexura.Core.Common;

namespace Plexura.Core.Notes.Templates;

/// <summary>Identifies a practice's own note template; its <see cref="NoteTemplate.Key"/> is <c>t-</c> and this id.</summary>
[JsonConverter(typeof(TypedIdJsonConverter<NoteTemplateId>))]
public readonly record struct NoteTemplateId(Guid Value) : ITypedId, IParsable<NoteTemplateId>
{
    /// <summary>The prefix of a practice template's key.</summary>
    public const string KeyPrefix = "t-";

    public static NoteTemplateId New() => new(Guid.CreateVersion7());

    /// <summary>The template key of this id (<c>t-</c> and the GUID).</summary>
    public string Key => KeyPrefix + ToString();

    public override string ToString() => Value.ToString("D");

    public static NoteTemplateId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out NoteTemplateId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new NoteTemplateId(g);
        return ok;
    }

    /// <summary>The id in a practice template's key, or false for a built-in key or anything else.</summary>
    public static bool TryFromKey([NotNullWhen(true)] string? key, out NoteTemplateId id)
    {
        id = default;
        if (key is null || !key.StartsWith(KeyPrefix, StringComparison.Ordinal)
            || !Guid.TryParseExact(key.AsSpan(KeyPrefix.Length), "D", out var g) || g == Guid.Empty)
        {
            return false;
        }

        id = new NoteTemplateId(g);
        return true;
    }
}

/// <summary>A note template defined by a practice's owners and admins.</summary>
/// <param name="Id">Its id.</param>
/// <param name="PracticeId">The owning practice.</param>
/// <param name="Name">Its name as shown.</param>
/// <param name="Sections">Its sections, in order (keys unique within the template).</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <remarks>
/// Not PHI: a template is the practice's own wording of what a note holds, so it is stored in clear. Never deleted:
/// an archived template is no longer offered for new notes, but a note written on it (which stores its key) is still
/// read with it.
/// </remarks>
public sealed record PracticeTemplate(
    NoteTemplateId Id,
    PracticeId PracticeId,
    string Name,
    IReadOnlyList<TemplateSection> Sections,
    UserId CreatedBy,
    DateTimeOffset CreatedAt,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors and audit events.</summary>
    public const string RecordType = "note template";

    /// <summary>Its key (<c>t-</c> and the id).</summary>
    public string Key => Id.Key;

    /// <summary>When it was last changed, or null if never.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>When it was archived (no longer offered for new notes), or null while active.</summary>
    public DateTimeOffset? ArchivedAt { get; init; }

    /// <summary>Whether it is archived.</summary>
    [JsonIgnore]
    public bool IsArchived => ArchivedAt is not null;

    /// <summary>The template as notes use it.</summary>
    public NoteTemplate ToTemplate() => new(Key, Name, Sections);
}

/// <summary>Stores a practice's note templates. Every method is scoped to one practice; another practice's template is "not found".</summary>
public interface INoteTemplateRepository
{
    /// <summary>Adds a new template (version 0).</summary>
    /// <exception cref="DuplicateRecordException">A template with this id exists.</exception>
    Task AddAsync(PracticeId practiceId, PracticeTemplate template, CancellationToken ct);

    /// <summary>The template (archived or not), or null when it does not exist in this practice.</summary>
    Task<PracticeTemplate?> GetAsync(PracticeId practiceId, NoteTemplateId templateId, CancellationToken ct);

    /// <summary>Every template of the practice, archived ones included, oldest first.</summary>
    Task<IReadOnlyList<PracticeTemplate>> ListAsync(PracticeId practiceId, CancellationToken ct);

    /// <summary>Replaces the template if its version is current; returns it with the new version.</summary>
    /// <exception cref="RecordNotFoundException">No such template in this practice.</exception>
    /// <exception cref="ConcurrencyConflictException">Someone else changed it first.</exception>
    Task<PracticeTemplate> UpdateAsync(PracticeId practiceId, PracticeTemplate template, CancellationToken ct);
}

/// <summary>A member's note preferences in one practice: for now, the template their notes start on.</summary>
/// <param name="Id">The practice and user (<see cref="IdOf"/>): one document per member and practice.</param>
/// <param name="PracticeId">The practice.</param>
/// <param name="UserId">The member.</param>
/// <param name="DefaultTemplateKey">The template key their sessions' notes use unless a session chooses another; null for <see cref="BuiltInTemplates.Progress"/>.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <remarks>Kept apart from the membership so the membership's many writers (roles, scope, removal) never race this setting.</remarks>
public sealed record NotePreference(string Id, PracticeId PracticeId, UserId UserId, string? DefaultTemplateKey, long Version = 0)
    : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors and audit events.</summary>
    public const string RecordType = "note preferences";

    /// <summary>The document id of a member's preferences in a practice.</summary>
    public static string IdOf(PracticeId practiceId, UserId userId) => $"{practiceId}.{userId}";
}

/// <summary>Stores members' note preferences. Every method is scoped to one practice.</summary>
public interface INotePreferenceRepository
{
    /// <summary>The member's preferences in the practice, or null when they never set any.</summary>
    Task<NotePreference?> GetAsync(PracticeId practiceId, UserId userId, CancellationToken ct);

    /// <summary>Adds the member's first preferences (version 0).</summary>
    /// <exception cref="DuplicateRecordException">They exist already (a concurrent first save).</exception>
    Task AddAsync(PracticeId practiceId, NotePreference preference, CancellationToken ct);

    /// <summary>Replaces the preferences if their version is current; returns them with the new version.</summary>
    /// <exception cref="ConcurrencyConflictException">Someone else changed them first.</exception>
    Task<NotePreference> UpdateAsync(PracticeId practiceId, NotePreference preference, CancellationToken ct);
}
