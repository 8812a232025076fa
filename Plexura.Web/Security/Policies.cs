using Microsoft.AspNetCore.Authorization;
using Plexura.Core.Memberships;
using Plexura.Web.Security.Authentication;

namespace Plexura.Web.Security;

/// <summary>The authorization policies pages and endpoints are gated by (the first of the two checks; Core use cases make the second).</summary>
public static class Policies
{
    /// <summary>Signed in with an active session (any user).</summary>
    public const string SignedIn = "signed-in";

    /// <summary>Signed in and inside a practice.</summary>
    public const string PracticeMember = "practice-member";

    /// <summary>Signed in as an owner or admin of the practice.</summary>
    public const string PracticeManager = "practice-manager";

    /// <summary>Signed in as an owner of the practice (billing; the settings page is <see cref="PracticeManager"/>, Core decides).</summary>
    public const string PracticeOwner = "practice-owner";

    /// <summary>Signed in to a practice with a clinical role (owner, admin or clinician): compliance staff see the audit log, not client records.</summary>
    /// <remarks>Only the first check: which clients, and what may be done to each, is decided per record by the Core use cases.</remarks>
    public const string ClientRecords = "client-records";

    /// <summary>Signed in as an owner, admin or compliance officer of the practice: the compliance center (audit log and its reports).</summary>
    public const string AuditReaders = "audit-readers";

    /// <summary>Adds the policies; the default policy is <see cref="SignedIn"/> on the Plexura scheme.</summary>
    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var signedIn = new AuthorizationPolicyBuilder(TokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
        options.DefaultPolicy = signedIn;
        options.AddPolicy(SignedIn, signedIn);
        options.AddPolicy(PracticeMember, policy => policy
            .AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(PlexuraPrincipal.PracticeIdClaim));
        options.AddPolicy(PracticeManager, policy => policy
            .AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(PlexuraPrincipal.PracticeIdClaim)
            .RequireClaim(PlexuraPrincipal.RoleClaim, nameof(PracticeRole.Owner), nameof(PracticeRole.Admin)));
        options.AddPolicy(PracticeOwner, policy => policy
            .AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(PlexuraPrincipal.PracticeIdClaim)
            .RequireClaim(PlexuraPrincipal.RoleClaim, nameof(PracticeRole.Owner)));
        options.AddPolicy(ClientRecords, policy => policy
            .AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(PlexuraPrincipal.PracticeIdClaim)
            .RequireClaim(PlexuraPrincipal.RoleClaim, nameof(PracticeRole.Owner), nameof(PracticeRole.Admin), nameof(PracticeRole.Clinician)));
        options.AddPolicy(AuditReaders, policy => policy
            .AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(PlexuraPrincipal.PracticeIdClaim)
            .RequireClaim(PlexuraPrincipal.RoleClaim, nameof(PracticeRole.Owner), nameof(PracticeRole.Admin), nameof(PracticeRole.Compliance)));
    }
}
