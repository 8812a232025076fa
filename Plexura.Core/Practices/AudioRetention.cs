namespace Plexura.Core.Practices;

/// <summary>How long a session's raw audio is kept once its transcript is complete (a practice setting, owners only).</summary>
/// <remarks>
/// The least is the default: audio is the most identifying PHI the product holds, and the transcript is what the note
/// is drafted from. Deleting audio destroys the session's audio key, so the audio is unreadable wherever a copy of the
/// encrypted chunks remains.
/// </remarks>
public enum AudioRetention
{
    /// <summary>Deleted as soon as the session's transcript is complete.</summary>
    None,

    /// <summary>Kept for one day after the transcript is complete.</summary>
    OneDay,

    /// <summary>Kept for seven days.</summary>
    SevenDays,

    /// <summary>Kept for thirty days.</summary>
    ThirtyDays,
}

/// <summary>What each <see cref="AudioRetention"/> means in time and in words.</summary>
public static class AudioRetentions
{
    /// <summary>Every choice, shortest first.</summary>
    public static IReadOnlyList<AudioRetention> All { get; } = [AudioRetention.None, AudioRetention.OneDay, AudioRetention.SevenDays, AudioRetention.ThirtyDays];

    /// <summary>How long audio is kept after the transcript is complete.</summary>
    public static TimeSpan KeepFor(this AudioRetention retention) => retention switch
    {
        AudioRetention.OneDay => TimeSpan.FromDays(1),
        AudioRetention.SevenDays => TimeSpan.FromDays(7),
        AudioRetention.ThirtyDays => TimeSpan.FromDays(30),
        _ => TimeSpan.Zero,
    };

    /// <summary>The audit code of a choice.</summary>
    public static string Code(this AudioRetention retention) => retention switch
    {
        AudioRetention.OneDay => "1-day",
        AudioRetention.SevenDays => "7-days",
        AudioRetention.ThirtyDays => "30-days",
        _ => "none",
    };

    /// <summary>The choice in plain words, for the settings page.</summary>
    public static string Words(this AudioRetention retention) => retention switch
    {
        AudioRetention.OneDay => "Keep for 1 day",
        AudioRetention.SevenDays => "Keep for 7 days",
        AudioRetention.ThirtyDays => "Keep for 30 days",
        _ => "Delete as soon as the transcript is complete",
    };
}
