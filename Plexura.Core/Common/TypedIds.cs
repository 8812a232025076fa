using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plexura.Core.Common;

/// <summary>A strongly typed identifier backed by a <see cref="Guid"/>.</summary>
public interface ITypedId
{
    /// <summary>The underlying value.</summary>
    Guid Value { get; }
}

/// <summary>Identifies a practice (the tenant).</summary>
[JsonConverter(typeof(TypedIdJsonConverter<PracticeId>))]
public readonly record struct PracticeId(Guid Value) : ITypedId, IParsable<PracticeId>
{
    /// <summary>The id of the "no practice" audit chain (events such as a failed sign-in for an unknown email).</summary>
    public static readonly PracticeId None = new(Guid.Empty);

    public static PracticeId New() => new(Guid.CreateVersion7());

    public bool IsNone => Value == Guid.Empty;

    public override string ToString() => Value.ToString("D");

    public static PracticeId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out PracticeId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new PracticeId(g);
        return ok;
    }
}

/// <summary>Identifies a user account (global: one person may belong to several practices).</summary>
[JsonConverter(typeof(TypedIdJsonConverter<UserId>))]
public readonly record struct UserId(Guid Value) : ITypedId, IParsable<UserId>
{
    public static UserId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString("D");

    public static UserId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out UserId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new UserId(g);
        return ok;
    }
}

/// <summary>Identifies a membership of a user in a practice.</summary>
[JsonConverter(typeof(TypedIdJsonConverter<MembershipId>))]
public readonly record struct MembershipId(Guid Value) : ITypedId, IParsable<MembershipId>
{
    public static MembershipId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString("D");

    public static MembershipId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out MembershipId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new MembershipId(g);
        return ok;
    }
}

/// <summary>Identifies an invitation to join a practice.</summary>
[JsonConverter(typeof(TypedIdJsonConverter<InvitationId>))]
public readonly record struct InvitationId(Guid Value) : ITypedId, IParsable<InvitationId>
{
    public static InvitationId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString("D");

    public static InvitationId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out InvitationId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new InvitationId(g);
        return ok;
    }
}

/// <summary>Identifies a member's grant of access to one client.</summary>
[JsonConverter(typeof(TypedIdJsonConverter<ClientGrantId>))]
public readonly record struct ClientGrantId(Guid Value) : ITypedId, IParsable<ClientGrantId>
{
    public static ClientGrantId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString("D");

    public static ClientGrantId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ClientGrantId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new ClientGrantId(g);
        return ok;
    }
}

/// <summary>Writes typed ids as their canonical GUID string.</summary>
public sealed class TypedIdJsonConverter<TId> : JsonConverter<TId>
    where TId : struct, ITypedId, IParsable<TId>
{
    public override TId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return TId.TryParse(text, null, out var id) ? id : throw new JsonException($"Invalid {typeof(TId).Name}.");
    }

    public override void Write(Utf8JsonWriter writer, TId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value.ToString("D"));
}
