namespace Plexura.Core.Common;

/// <summary>Section <c>Plexura:App</c>: how the app is reached from outside.</summary>
public sealed class AppOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Plexura:App";

    /// <summary>The base URL used when no other is configured (the development server).</summary>
    public const string DefaultBaseUrl = "http://localhost:5080";

    /// <summary>The absolute URL the app is served at, used to build links in emails (no trailing slash needed).</summary>
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>An absolute link to <paramref name="pathAndQuery"/> (which starts with a slash) under <see cref="BaseUrl"/>.</summary>
    public string Link(string pathAndQuery) => BaseUrl.TrimEnd('/') + pathAndQuery;
}
