namespace Plexura.Core.Notes.Drafting;

/// <summary>Whether notes are drafted by the chat model (bound from <see cref="Section"/> by Infrastructure).</summary>
/// <remarks>Drafting is configured when <see cref="Enabled"/> is true or a <see cref="Model"/> is set; otherwise no drafting job is ever queued and notes say drafting is off.</remarks>
public sealed class DraftingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Plexura:Drafting";

    /// <summary>Drafting is switched on.</summary>
    public bool Enabled { get; set; }

    /// <summary>The chat model that drafts, or null.</summary>
    public string? Model { get; set; }

    /// <summary>Whether drafting jobs are queued.</summary>
    public bool IsConfigured => Enabled || !string.IsNullOrWhiteSpace(Model);
}
