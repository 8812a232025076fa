using Microsoft.Extensions.Options;

namespace Plexura.Web.Security;

/// <summary>Section <c>Plexura:Cors</c>: browser origins that may call <c>/api</c>.</summary>
/// <remarks>Empty by default, so no cross-origin call is allowed until an origin is named explicitly.</remarks>
public sealed class CorsOptions
{
    public const string Section = "Plexura:Cors";

    /// <summary>Name of the CORS policy applied to the <c>/api</c> routes.</summary>
    public const string PolicyName = "PlexuraApi";

    /// <summary>Exact origins such as <c>https://app.example.com</c>: scheme, host and optional port, no path.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary>Checks <see cref="CorsOptions"/>; every message names the setting at fault.</summary>
public sealed class CorsOptionsValidator : IValidateOptions<CorsOptions>
{
    public ValidateOptionsResult Validate(string? name, CorsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        for (var i = 0; i < options.AllowedOrigins.Length; i++)
        {
            var origin = options.AllowedOrigins[i];
            if (!IsOrigin(origin))
            {
                return ValidateOptionsResult.Fail(
                    $"{CorsOptions.Section}:AllowedOrigins:{i} must be an absolute http(s) origin without path, query or wildcard, such as https://app.example.com (found '{origin}').");
            }
        }

        return ValidateOptionsResult.Success;
    }

    private static bool IsOrigin(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !value.Contains('*', StringComparison.Ordinal)
        && string.IsNullOrEmpty(uri.UserInfo)
        && string.Equals(value.TrimEnd('/'), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
}
