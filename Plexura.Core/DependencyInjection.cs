using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plexura.Core.Auditing;
using Plexura.Core.Identity;

namespace Plexura.Core;

/// <summary>Registers Core services.</summary>
public static class DependencyInjection
{
    /// <summary>Adds the use cases and domain services of Core.</summary>
    public static IServiceCollection AddPlexuraCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddSingleton<AuditChainVerifier>();
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<SessionValidator>();
        return services;
    }
}
