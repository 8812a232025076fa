using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace Plexura.Web.Security;

/// <summary>Section <c>Plexura:Network</c>: the reverse proxies whose forwarded headers are believed.</summary>
public sealed class NetworkOptions
{
    public const string Section = "Plexura:Network";

    /// <summary>
    /// Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) of the TLS-terminating proxies in
    /// front of the app. Empty (the default): no <c>X-Forwarded-*</c> header is believed from anyone.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Parses <see cref="TrustedProxies"/>; call only on validated options.</summary>
    public IReadOnlyList<IPNetwork> Networks() =>
        [.. TrustedProxies.Select(p => TryParse(p, out var network) ? network : throw new FormatException(p))];

    internal static bool TryParse(string? value, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.Trim();
        if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(text, out network);
    }
}

/// <summary>Checks <see cref="NetworkOptions"/>; the message names the entry at fault.</summary>
public sealed class NetworkOptionsValidator : IValidateOptions<NetworkOptions>
{
    public ValidateOptionsResult Validate(string? name, NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        for (var i = 0; i < options.TrustedProxies.Length; i++)
        {
            if (!NetworkOptions.TryParse(options.TrustedProxies[i], out _))
            {
                return ValidateOptionsResult.Fail(
                    $"{NetworkOptions.Section}:TrustedProxies:{i} must be an IP address or a CIDR network such as 10.0.0.0/8 (found '{options.TrustedProxies[i]}').");
            }
        }

        return ValidateOptionsResult.Success;
    }
}

/// <summary>Builds the forwarded-headers options from <see cref="NetworkOptions"/>.</summary>
/// <remarks>
/// Runs after every other configuration of <see cref="ForwardedHeadersOptions"/>, including the framework's own for
/// <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c> (which would believe anyone): the trusted list always wins. With no
/// trusted proxy nothing is forwarded, so the client address is the connection's and a client cannot pick its own
/// rate-limit partition or the address written to the audit log. With trusted proxies the chain of
/// <c>X-Forwarded-For</c> is walked back through trusted hops only (no fixed limit), and <c>X-Forwarded-Proto</c> makes
/// the scheme https, so HSTS and Secure cookies behave behind a TLS-terminating proxy. <c>X-Forwarded-Host</c> is not
/// believed: the proxy passes the Host header through.
/// </remarks>
public sealed class ForwardedHeadersSetup(IOptions<NetworkOptions> network) : IPostConfigureOptions<ForwardedHeadersOptions>
{
    public void PostConfigure(string? name, ForwardedHeadersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // The obsolete list is still read by the middleware: clear it too.
        options.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
        var networks = network.Value.TrustedProxies.Length == 0 ? [] : network.Value.Networks();
        if (networks.Count == 0)
        {
            options.ForwardedHeaders = ForwardedHeaders.None;
            return;
        }

        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.ForwardLimit = null;
        foreach (var trusted in networks)
        {
            options.KnownIPNetworks.Add(trusted);
        }
    }
}

/// <summary>Section <c>Plexura:OpenApi</c>.</summary>
public sealed class OpenApiOptions
{
    public const string Section = "Plexura:OpenApi";

    /// <summary>Serve <c>/openapi/v1.json</c> outside Development (always served in Development).</summary>
    /// <remarks>Off by default: the document maps every route and parameter, which helps an attacker more than a user.</remarks>
    public bool Enabled { get; set; }
}
