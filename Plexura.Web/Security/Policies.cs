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
    }
}
