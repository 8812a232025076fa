using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;

namespace Plexura.Web.Security.Authentication;

/// <summary>The <see cref="ICurrentUser"/> of one request or one Blazor circuit.</summary>
/// <remarks>
/// Scoped: an HTTP request gets it from <see cref="CurrentUserMiddleware"/> after authentication; a circuit gets it
/// from <see cref="CurrentUserCircuitHandler"/> and again every time the circuit's authentication state changes
/// (revalidation turns a revoked or expired sign-in anonymous). Until one of them says who is signed in, it falls back
/// to the circuit's authentication state if that is already known, and otherwise nobody is: reading the user then
/// throws <see cref="NotSignedInException"/>, so a use case can never run as a guessed user.
/// </remarks>
public sealed class CurrentUser(IServiceProvider services) : ICurrentUser
{
    private TokenClaims? _claims;
    private bool _set;

    /// <inheritdoc />
    public bool IsAuthenticated => Claims is not null;

    /// <inheritdoc />
    public UserId UserId => Claims?.Subject.UserId ?? throw new NotSignedInException();

    /// <inheritdoc />
    public SessionId SessionId => Claims?.Subject.SessionId ?? throw new NotSignedInException();

    /// <inheritdoc />
    public PracticeId? PracticeId => Claims?.Subject.PracticeId;

    /// <summary>The signed-in user's email, or null.</summary>
    public string? Email => Claims?.Subject.Email;

    /// <summary>The role in the entered practice, as the token states it, or null.</summary>
    /// <remarks>For display only: use cases decide from the membership as stored now, not from the token.</remarks>
    public PracticeRole? Role => Claims?.Subject.Role;

    /// <summary>When the sign-in ends, or null.</summary>
    public DateTimeOffset? ExpiresAt => Claims?.ExpiresAt;

    /// <summary>The signed-in user's token claims, or null when nobody is signed in.</summary>
    public TokenClaims? Claims
    {
        get
        {
            if (!_set && services.GetService<AuthenticationStateProvider>() is { } provider)
            {
                var state = provider.GetAuthenticationStateAsync();
                if (state.IsCompletedSuccessfully)
                {
                    return PlexuraPrincipal.ToClaims(state.Result.User);
                }
            }

            return _claims;
        }
    }

    /// <summary>Says who is signed in: the principal of a validated token, or an anonymous one.</summary>
    public void Set(ClaimsPrincipal? principal)
    {
        _claims = PlexuraPrincipal.ToClaims(principal);
        _set = true;
    }
}

/// <summary>Tells the request's <see cref="CurrentUser"/> who authenticated, and its <see cref="ClientContext"/> who is calling.</summary>
public sealed class CurrentUserMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, CurrentUser currentUser, ClientContext client)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(currentUser);
        ArgumentNullException.ThrowIfNull(client);
        currentUser.Set(context.User);
        client.Set(context);
        return next(context);
    }
}
