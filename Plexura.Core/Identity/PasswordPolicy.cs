using System.Globalization;
using System.Text;

namespace Plexura.Core.Identity;

/// <summary>A rule of the <see cref="PasswordPolicy"/>.</summary>
public enum PasswordRule
{
    /// <summary>Fewer than <see cref="PasswordPolicy.MinLength"/> characters.</summary>
    TooShort,

    /// <summary>More than <see cref="PasswordPolicy.MaxLength"/> characters.</summary>
    TooLong,

    /// <summary>Fewer than three of lowercase, uppercase, digit and symbol.</summary>
    TooFewCharacterClasses,

    /// <summary>On the breached-password list, as typed or without its trailing digits and symbols.</summary>
    Breached,

    /// <summary>Four or more characters in a row along the alphabet, the digits or a keyboard row.</summary>
    Sequence,

    /// <summary>The same character four or more times in a row.</summary>
    Repeated,

    /// <summary>Contains the user's email name or part of their display name.</summary>
    ContainsPersonalInfo,
}

/// <summary>One broken rule, with a message that can be shown to the user as is.</summary>
public sealed record PasswordRuleFailure(PasswordRule Rule, string Message);

/// <summary>The outcome of checking a password: every broken rule, in a fixed order.</summary>
public sealed record PasswordCheckResult(IReadOnlyList<PasswordRuleFailure> Failures)
{
    /// <summary>True when no rule is broken.</summary>
    public bool IsValid => Failures.Count == 0;

    /// <summary>The first broken rule's message, ready to show; null when the password is valid.</summary>
    public string? Message => Failures.Count == 0 ? null : Failures[0].Message;

    /// <summary>Whether <paramref name="rule"/> is among the broken rules.</summary>
    public bool Breaks(PasswordRule rule) => Failures.Any(f => f.Rule == rule);
}

/// <summary>The password rules of HIPAA control 5.1, checked when a password is chosen or changed.</summary>
/// <remarks>
/// Length and a breached-password blocklist do most of the work (NIST SP 800-63B); the class, sequence, repetition
/// and personal-information rules refuse the patterns that guessing tools try first. All broken rules are returned,
/// so a form can show them together. Lengths count Unicode code points, not UTF-16 units, so an accented or
/// non-Latin password is measured as the user typed it. Letters without case (for example CJK) count as lowercase.
/// </remarks>
public sealed class PasswordPolicy(IBreachedPasswordList breachedPasswords)
{
    /// <summary>Fewest characters accepted.</summary>
    public const int MinLength = 12;

    /// <summary>Most characters accepted: long enough for passphrases, short enough to bound hashing work.</summary>
    public const int MaxLength = 128;

    /// <summary>The shortest run (sequence or repetition) that is refused.</summary>
    public const int MaxRun = 4;

    /// <summary>The shortest email name or display-name part that the password may not contain.</summary>
    public const int MinPersonalPartLength = 3;

    private static readonly string[] Sequences =
    [
        "abcdefghijklmnopqrstuvwxyz",
        "0123456789",
        "1234567890",
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
    ];

    private static readonly HashSet<string> SequenceWindows = BuildSequenceWindows();

    /// <summary>Checks <paramref name="password"/> for a user with this email and display name.</summary>
    public PasswordCheckResult Check(string password, string? email = null, string? displayName = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        var failures = new List<PasswordRuleFailure>();
        var runes = password.EnumerateRunes().ToList();

        if (runes.Count < MinLength)
        {
            failures.Add(new(PasswordRule.TooShort, $"Use at least {MinLength} characters."));
        }
        else if (runes.Count > MaxLength)
        {
            failures.Add(new(PasswordRule.TooLong, $"Use at most {MaxLength} characters."));
        }

        if (CountClasses(runes) < 3)
        {
            failures.Add(new(
                PasswordRule.TooFewCharacterClasses,
                "Use at least three of: lowercase letters, uppercase letters, digits and symbols."));
        }

        if (IsBreached(password))
        {
            failures.Add(new(PasswordRule.Breached, "This password appears in lists of breached passwords. Choose another."));
        }

        var lower = password.ToLowerInvariant();
        if (HasSequence(lower))
        {
            failures.Add(new(
                PasswordRule.Sequence,
                $"Avoid {MaxRun} or more characters in sequence, such as \"abcd\", \"4321\" or \"qwer\"."));
        }

        if (HasRepetition(lower))
        {
            failures.Add(new(PasswordRule.Repeated, $"Avoid repeating a character {MaxRun} or more times in a row."));
        }

        if (ContainsPersonalInfo(lower, email, displayName))
        {
            failures.Add(new(PasswordRule.ContainsPersonalInfo, "Do not use your name or email address in your password."));
        }

        return new PasswordCheckResult(failures);
    }

    private static int CountClasses(List<Rune> runes)
    {
        bool lower = false, upper = false, digit = false, symbol = false;
        foreach (var rune in runes)
        {
            if (Rune.IsUpper(rune))
            {
                upper = true;
            }
            else if (Rune.IsLetter(rune))
            {
                lower = true;
            }
            else if (Rune.IsDigit(rune))
            {
                digit = true;
            }
            else
            {
                symbol = true;
            }
        }

        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (symbol ? 1 : 0);
    }

    /// <remarks>
    /// "Summer2024!" is as guessable as "summer": the list is checked for the password and for the password without
    /// its trailing digits and symbols, the most common way people "strengthen" a listed word.
    /// </remarks>
    private bool IsBreached(string password)
    {
        if (breachedPasswords.Contains(password))
        {
            return true;
        }

        var end = password.Length;
        while (end > 0 && !char.IsLetter(password[end - 1]))
        {
            end--;
        }

        return end > 0 && end < password.Length && breachedPasswords.Contains(password[..end]);
    }

    private static bool HasSequence(string lower)
    {
        for (var i = 0; i + MaxRun <= lower.Length; i++)
        {
            if (SequenceWindows.Contains(lower.Substring(i, MaxRun)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasRepetition(string lower)
    {
        var run = 1;
        for (var i = 1; i < lower.Length; i++)
        {
            run = lower[i] == lower[i - 1] ? run + 1 : 1;
            if (run >= MaxRun)
            {
                return true;
            }
        }

        return false;
    }

    /// <remarks>
    /// The whole email name is checked, and so are its parts ("dana" and "reyes" of "dana.reyes@…"), like the parts
    /// of the display name: an attacker targeting one person tries those first.
    /// </remarks>
    private static bool ContainsPersonalInfo(string lower, string? email, string? displayName)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(email))
        {
            var at = email.IndexOf('@', StringComparison.Ordinal);
            var local = (at >= 0 ? email[..at] : email).Trim();
            parts.Add(local);
            parts.AddRange(SplitWords(local));
        }

        if (!string.IsNullOrWhiteSpace(displayName))
        {
            parts.AddRange(SplitWords(displayName));
        }

        return parts
            .Where(p => new StringInfo(p).LengthInTextElements >= MinPersonalPartLength)
            .Any(p => lower.Contains(p.ToLowerInvariant(), StringComparison.Ordinal));
    }

    private static IEnumerable<string> SplitWords(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    private static HashSet<string> BuildSequenceWindows()
    {
        var windows = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sequence in Sequences)
        {
            var reversed = new string(sequence.Reverse().ToArray());
            for (var i = 0; i + MaxRun <= sequence.Length; i++)
            {
                windows.Add(sequence.Substring(i, MaxRun));
                windows.Add(reversed.Substring(i, MaxRun));
            }
        }

        return windows;
    }
}
