using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignUp;

namespace Plexura.Tests.Web;

/// <summary>Creates accounts in a running test app through its own use cases.</summary>
public static class IdentityArrange
{
    public const string Password = "Violet-Harbor-73!";

    public static string NewEmail(string prefix = "owner") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    /// <summary>Signs up a new practice and returns its owner's email.</summary>
    public static async Task<(string Email, SignUpResult Result)> SignUpAsync(IServiceProvider services, string? email = null)
    {
        email ??= NewEmail();
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SignUpHandler>()
            .HandleAsync(new SignUpCommand("Riverbend Counseling", "Dana Reyes", email, Password), ClientInfo.Unknown, CancellationToken.None);
        return (email, result);
    }
}
