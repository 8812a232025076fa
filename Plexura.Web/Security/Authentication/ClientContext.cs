using Plexura.Core.Identity;

namespace Plexura.Web.Security.Authentication;

/// <summary>The client address and user agent of the current request or circuit, for audit events and sessions.</summary>
/// <remarks>
/// An HTTP request takes them from its connection; a circuit has no HttpContext of its own, so the page that opens it
/// passes them as (server-protected) parameters of the root component. Never taken from form fields.
/// </remarks>
public sealed class ClientContext
{
    private const int MaxUserAgentLength = 512;

    /// <summary>What is known of the client.</summary>
    public ClientInfo Current { get; private set; } = ClientInfo.Unknown;

    /// <summary>Takes the client of an HTTP request.</summary>
    public void Set(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Set(context.Connection.RemoteIpAddress?.ToString(), context.Request.Headers.UserAgent.ToString());
    }

    /// <summary>Takes the client the circuit's opening request saw.</summary>
    public void Set(string? sourceIp, string? userAgent) =>
        Current = new ClientInfo(
            string.IsNullOrWhiteSpace(sourceIp) ? null : sourceIp,
            string.IsNullOrWhiteSpace(userAgent) ? null : userAgent.Length > MaxUserAgentLength ? userAgent[..MaxUserAgentLength] : userAgent);
}
