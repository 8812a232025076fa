using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Sessions.Audio;

namespace Plexura.Core.Sessions.GetSession;

/// <summary>Read one session.</summary>
/// <param name="SessionId">The session.</param>
public sealed record GetSessionCommand(ClinicalSessionId SessionId);

/// <summary>A session with what is stored of its audio.</summary>
/// <param name="Session">The session.</param>
/// <param name="Audio">Its stored chunks (<see cref="AudioChunkStatus.NextSequence"/> tells a reloaded recorder where to go on).</param>
public sealed record SessionView(ClinicalSession Session, AudioChunkStatus Audio);

/// <summary>Reads a session of a client the member may view, with its stored audio's progress. Holds ids and counts only, no PHI.</summary>
public sealed class GetSessionHandler(SessionAccess access, ISessionAudioStore audio)
{
    /// <summary>The session.</summary>
    /// <exception cref="RecordNotFoundException">No such session in the member's practice.</exception>
    /// <exception cref="AccessDeniedException">The member may not view its client.</exception>
    public async Task<SessionView> HandleAsync(GetSessionCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (actor, session) = await access.RequireViewAsync(command.SessionId, client, ct);
        return new SessionView(session, await audio.GetStatusAsync(actor.PracticeId, session.Id, ct));
    }
}
