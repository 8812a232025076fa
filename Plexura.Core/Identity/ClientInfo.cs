namespace Plexura.Core.Identity;

/// <summary>What is known of the client making a request: passed beside a command, for audit events and sessions.</summary>
/// <param name="SourceIp">The client's IP address, or null when unknown.</param>
/// <param name="UserAgent">The client's user agent, or null when unknown.</param>
/// <remarks>Not part of the command: it describes the request, not what the user asked for, and the user cannot choose it.</remarks>
public sealed record ClientInfo(string? SourceIp, string? UserAgent)
{
    /// <summary>Nothing known (background work, tests).</summary>
    public static readonly ClientInfo Unknown = new(null, null);
}
