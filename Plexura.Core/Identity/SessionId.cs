using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Plexura.Core.Common;

namespace Plexura.Core.Identity;

/// <summary>Identifies a signed-in session; carried in the token as <c>sid</c>.</summary>
[JsonConverter(typeof(TypedIdJsonConverter<SessionId>))]
public readonly record struct SessionId(Guid Value) : ITypedId, IParsable<SessionId>
{
    public static SessionId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString("D");

    public static SessionId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out SessionId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new SessionId(g);
        return ok;
    }
}
