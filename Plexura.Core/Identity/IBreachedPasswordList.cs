namespace Plexura.Core.Identity;

/// <summary>A list of passwords known from public breaches, which must never be accepted.</summary>
public interface IBreachedPasswordList
{
    /// <summary>Whether the password is on the list, ignoring case.</summary>
    bool Contains(string password);

    /// <summary>How many distinct (lowercased) passwords the list holds.</summary>
    int Count { get; }
}
