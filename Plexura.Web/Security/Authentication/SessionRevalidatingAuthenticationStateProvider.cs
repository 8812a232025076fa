using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;
using Plexura.Core.Identity;

namespace Plexura.Web.Security.Authentication;

/// <summary>Options of the circuit's sign-in revalidation.</summary>
public sealed class CircuitAuthenticationOptions
{
    public const string Section = "Plexura:Auth:Circuit";

    /// <summary>How often an open circuit checks that its session is still active and its token unexpired.</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Re-checks a circuit's sign-in on an interval: a revoked session or an expired token signs the circuit out.</summary>
/// <remarks>
/// HIPAA 5.4 automatic logoff: a circuit is a long-lived connection, so the check the HTTP pipeline does per request
/// has to be repeated here. Within one interval of a sign-out elsewhere, a password reset, a role change or a removal,
/// the circuit's user becomes anonymous and the layout sends the browser to sign-in.
/// </remarks>
public sealed class SessionRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopes,
    IOptions<CircuitAuthenticationOptions> options,
    TimeProvider time)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.RevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        return IsStillSignedInAsync(authenticationState.User, cancellationToken);
    }

    /// <summary>Whether <paramref name="user"/>'s token is unexpired and its session still active.</summary>
    public async Task<bool> IsStillSignedInAsync(System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (PlexuraPrincipal.ToClaims(user) is not { } claims || time.GetUtcNow() >= claims.ExpiresAt)
        {
            return false;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var check = await scope.ServiceProvider.GetRequiredService<SessionValidator>().ValidateAsync(claims, cancellationToken);
            return check.IsValid;
        }
        catch (ObjectDisposedException)
        {
            // The app is shutting down under an open page: fail closed without logging a fault.
            return false;
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            // The circuit ended (a signed-out tab navigated away) while the check was running. The base class ends its
            // loop quietly only for a TaskCanceledException carrying its own token; anything else it logs as an
            // unhandled error, so the storage engine's cancellation is re-thrown in that form.
            if (e is TaskCanceledException own && own.CancellationToken == cancellationToken)
            {
                throw;
            }

            throw new TaskCanceledException("The circuit ended during revalidation.", e, cancellationToken);
        }
    }
}
