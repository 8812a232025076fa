using Plexura.Core.Memberships;

namespace Plexura.Web.Components.Shared;

/// <summary>The words pages use for roles, flags and audit codes: plain words first, references as help text.</summary>
public static class PlainWords
{
    /// <summary>The client-flag wording: what it means for the client, then the legal reference.</summary>
    public const string RestrictedLabel = "Restricted: the client asked that this record not be shared";

    /// <summary>The reference behind <see cref="RestrictedLabel"/>.</summary>
    public const string RestrictedReference = "HIPAA § 164.522 (right to request restriction): notes are not pushed to the EHR or exported.";

    /// <summary>Short chip text for a restricted client.</summary>
    public const string RestrictedShort = "Restricted";

    /// <summary>The Part 2 flag wording.</summary>
    public const string Part2Label = "Substance-use treatment record: sharing needs the client's written consent";

    /// <summary>The reference behind <see cref="Part2Label"/>.</summary>
    public const string Part2Reference =
        "42 CFR Part 2: push and export need a disclosure consent naming the recipient, the purpose and an expiry date.";

    /// <summary>Short chip text for a Part 2 client.</summary>
    public const string Part2Short = "Substance-use record";

    /// <summary>The role's name in lower case, for running text.</summary>
    public static string RoleName(PracticeRole role) => RoleWords.Name(role);

    /// <summary>"a" or "an" before the role's name.</summary>
    public static string Article(PracticeRole role) => RoleWords.Article(role);

    /// <summary>The role's name with "a" or "an": "an owner", "a clinician".</summary>
    public static string WithArticle(PracticeRole role) => RoleWords.WithArticle(role);

    /// <summary>The role's name as a title: "Compliance officer".</summary>
    public static string RoleTitle(PracticeRole role)
    {
        var name = RoleName(role);
        return char.ToUpperInvariant(name[0]) + name[1..];
    }

    /// <summary>What the role may do, in one sentence, shown where a role is chosen.</summary>
    public static string RoleExplanation(PracticeRole role) => role switch
    {
        PracticeRole.Owner => "Runs the practice: members, settings, billing and every client.",
        PracticeRole.Admin => "Manages members, settings and every client; not billing or ownership.",
        PracticeRole.Clinician => "Sees the clients they add or are given, records sessions and writes notes.",
        PracticeRole.Compliance => "Reads the audit log to answer who did what; sees no clinical records.",
        _ => string.Empty,
    };

    /// <summary>A failed sign-in's recorded reason code in words ("Wrong password").</summary>
    public static string SignInFailure(string? reason) => reason switch
    {
        "wrong-password" => "Wrong password",
        "locked" => "Tried while the account was locked",
        "mfa-code" => "Wrong two-step code",
        "mfa-challenge" => "Two-step sign-in not started properly",
        "mfa-challenge-expired" => "Two-step code entered too late",
        "unknown-account" => "No such account",
        null or "" => "Not recorded",
        _ => "Other reason",
    };
}
