using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace Plexura.Infrastructure.Security.DataProtection;

/// <summary>Data protection (antiforgery, circuits) with its key ring in the database, sealed by the master key.</summary>
internal static class DataProtectionRegistration
{
    /// <summary>The application name every instance shares, so they derive the same purposes from one key ring.</summary>
    public const string ApplicationName = "Plexura";

    /// <remarks>
    /// Registered after the storage start-up service, so data protection's own hosted service, which loads the ring at
    /// start, runs once the schema exists (hosted services start in registration order).
    /// </remarks>
    public static void Add(IServiceCollection services)
    {
        services.AddSingleton<StoredXmlRepository>();
        services.AddSingleton<MasterKeyXmlEncryptor>();
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, sp) =>
        {
            options.XmlRepository = sp.GetRequiredService<StoredXmlRepository>();
            options.XmlEncryptor = sp.GetRequiredService<MasterKeyXmlEncryptor>();
        });
    }
}
