using Plexura.Core.Common;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.ListMySessions;

/// <summary>List the signed-in user's active sessions.</summary>
public sealed record ListMySessionsCommand;

/// <summary>One active session of the signed-in user, as shown on an account page.</summary>
/// <param name="Id">The session id (what <c>RevokeMySessionCommand</c> takes).</param>
/// <param name="PracticeId">The practice the session entered, or null.</param>
/// <param name="CreatedAt">When the user signed in.</param>
/// <param name="ExpiresAt">When the session ends by itself.</param>
/// <param name="LastSeenAt">When it was last used.</param>
/// <param name="SourceIp">The client's address at sign-in.</param>
/// <param name="UserAgent">The client's user agent at sign-in.</param>
/// <param name="IsCurrent">Whether this is the session making the request.</param>
public sealed record MySession(
    SessionId Id,
    PracticeId? PracticeId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset LastSeenAt,
    string? SourceIp,
    string? UserAgent,
    bool IsCurrent);

/// <summary>Lists the signed-in user's sessions that are neither revoked nor expired, marking the current one.</summary>
/// <remarks>Only the user's own sessions, by the user id from <see cref="ICurrentUser"/>. Reading is not audited: it shows no PHI.</remarks>
public sealed class ListMySessionsHandler(ICurrentUser currentUser, ISessionRepository sessions, IUserRepository users, TimeProvider time)
{
    /// <summary>The active sessions, oldest first.</summary>
    public async Task<IReadOnlyList<MySession>> HandleAsync(ListMySessionsCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (user, current) = await SignedInAccount.RequireAsync(currentUser, sessions, users, time, ct);
        var active = await sessions.ListActiveForUserAsync(user.Id, time.GetUtcNow(), ct);
        return [.. active.Select(s => new MySession(s.Id, s.PracticeId, s.CreatedAt, s.ExpiresAt, s.LastSeenAt, s.SourceIp, s.UserAgent, s.Id == current.Id))];
    }
}
