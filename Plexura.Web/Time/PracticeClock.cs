using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;

namespace Plexura.Web.Time;

/// <summary>The practice's time zone and the current time, for one request or one circuit.</summary>
/// <remarks>
/// Scoped: the zone is read once per circuit from the signed-in member's practice (never from the browser, so every
/// member of a practice sees the same times) and kept as a finished task, so components after the first render
/// without waiting. Nobody signed in, or no practice entered, reads as UTC. The practice settings page calls
/// <see cref="Use"/> after a change so the circuit shows the new zone at once.
/// </remarks>
public sealed class PracticeClock(PracticeActorLoader actors, ICurrentUser currentUser, TimeProvider time)
{
    private Task<TimeZoneInfo>? _zone;

    /// <summary>The current instant.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The practice's zone (UTC when there is no practice).</summary>
    /// <remarks>A failed read (storage down) is not remembered for the whole circuit: the next call asks again.</remarks>
    public Task<TimeZoneInfo> ZoneAsync()
    {
        if (_zone is { IsFaulted: true } or { IsCanceled: true })
        {
            _zone = null;
        }

        return _zone ??= LoadAsync();
    }

    /// <summary>Uses <paramref name="timeZoneId"/> from now on (after the practice's zone was changed).</summary>
    public void Use(string timeZoneId) => _zone = Task.FromResult(PracticeTimeZone.Find(timeZoneId));

    private async Task<TimeZoneInfo> LoadAsync()
    {
        if (!currentUser.IsAuthenticated || currentUser.PracticeId is not { IsNone: false })
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return PracticeTimeZone.Find((await actors.LoadAsync(CancellationToken.None)).PracticeTimeZoneId);
        }
        catch (Exception e) when (e is AccessDeniedException or NotSignedInException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
