using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Plexura.Web.Security.Authentication;

/// <summary>Keeps a circuit's <see cref="CurrentUser"/> in step with its authentication state.</summary>
/// <remarks>
/// A Blazor circuit outlives the request that opened it, so the user is taken from the circuit's authentication
/// state, and taken again whenever it changes: when revalidation finds the session revoked or the token expired, the
/// state turns anonymous and every later use case call in the circuit is refused.
/// </remarks>
public sealed class CurrentUserCircuitHandler(AuthenticationStateProvider authentication, CurrentUser currentUser)
    : CircuitHandler, IDisposable
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authentication.AuthenticationStateChanged += OnAuthenticationStateChanged;
        currentUser.Set((await authentication.GetAuthenticationStateAsync()).User);
    }

    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken) =>
        currentUser.Set((await authentication.GetAuthenticationStateAsync()).User);

    public void Dispose() => authentication.AuthenticationStateChanged -= OnAuthenticationStateChanged;

    private void OnAuthenticationStateChanged(Task<AuthenticationState> state) => _ = UpdateAsync(state);

    private async Task UpdateAsync(Task<AuthenticationState> state)
    {
        try
        {
            currentUser.Set((await state).User);
        }
        catch (InvalidOperationException)
        {
            currentUser.Set(null);
        }
    }
}
