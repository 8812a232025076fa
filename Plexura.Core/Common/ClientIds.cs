using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Plexura.Core.Common;

/// <summary>Identifies a client (a patient) of a practice.</summary>
/// <remarks>
/// Version 7 GUIDs: their text sorts by creation time, so listing a practice's clients in id order lists them
/// oldest first without a second index. An id says nothing about the person and is safe in URLs and logs.
/// </remarks>
[JsonConverter(typeof(TypedIdJsonConverter<ClientId>))]
public readonly record struct ClientId(Guid Value) : ITypedId, IParsable<ClientId>
{
    public static ClientId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString("D");

    public static ClientId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ClientId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new ClientId(g);
        return ok;
    }
}

/// <summary>Identifies one documented consent of a client.</summary>
[JsonConverter(typeof(TypedIdJsonConverter<ClientConsentId>))]
public readonly record struct ClientConsentId(Guid Value) : ITypedId, IParsable<ClientConsentId>
{
    public static ClientConsentId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString("D");

    public static ClientConsentId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ClientConsentId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new ClientConsentId(g);
        return ok;
    }
}

/// <summary>Identifies one clinical session: a therapy session with a client that is being (or was) recorded.</summary>
/// <remarks>Not the sign-in session (<c>SessionId</c>): the two share only a word.</remarks>
[JsonConverter(typeof(TypedIdJsonConverter<ClinicalSessionId>))]
public readonly record struct ClinicalSessionId(Guid Value) : ITypedId, IParsable<ClinicalSessionId>
{
    public static ClinicalSessionId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString("D");

    public static ClinicalSessionId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ClinicalSessionId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new ClinicalSessionId(g);
        return ok;
    }
}

/// <summary>Identifies a clinical note (a progress note of a session, or a psychotherapy note).</summary>
[JsonConverter(typeof(TypedIdJsonConverter<NoteId>))]
public readonly record struct NoteId(Guid Value) : ITypedId, IParsable<NoteId>
{
    public static NoteId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString("D");

    public static NoteId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out NoteId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new NoteId(g);
        return ok;
    }
}
