namespace Plexura.Core.Memberships;

/// <summary>A role's name in running text, shared by pages and emails, so both say "a compliance officer".</summary>
public static class RoleWords
{
    /// <summary>The role's name in lower case: "owner", "compliance officer".</summary>
    public static string Name(PracticeRole role) => role switch
    {
        PracticeRole.Owner => "owner",
        PracticeRole.Admin => "admin",
        PracticeRole.Clinician => "clinician",
        PracticeRole.Compliance => "compliance officer",
        _ => "member",
    };

    /// <summary>"a" or "an" before the role's name.</summary>
    public static string Article(PracticeRole role) => "aeiou".Contains(Name(role)[0], StringComparison.Ordinal) ? "an" : "a";

    /// <summary>The role's name with "a" or "an": "an owner", "a compliance officer".</summary>
    public static string WithArticle(PracticeRole role) => $"{Article(role)} {Name(role)}";
}
