using Microsoft.Extensions.Options;
using Plexura.Core.Common;

namespace Plexura.Infrastructure.Configuration;

/// <summary>Checks <see cref="StorageOptions"/>; every message names the setting at fault.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (!Enum.TryParse<StorageProvider>(options.Provider, ignoreCase: true, out var provider)
            || !Enum.IsDefined(provider) || int.TryParse(options.Provider, out _))
        {
            return ValidateOptionsResult.Fail(
                $"{StorageOptions.Section}:Provider must be 'Sqlite' or 'Mongo' (found '{options.Provider}').");
        }

        if (provider == StorageProvider.Sqlite && string.IsNullOrWhiteSpace(options.SqlitePath))
        {
            return ValidateOptionsResult.Fail($"{StorageOptions.Section}:SqlitePath is required when the provider is Sqlite.");
        }

        if (provider == StorageProvider.Sqlite && options.KeyVaultPath is not null)
        {
            if (string.IsNullOrWhiteSpace(options.KeyVaultPath) || options.KeyVaultPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                return ValidateOptionsResult.Fail(
                    $"{StorageOptions.Section}:KeyVaultPath must be a file path; leave it unset for the default next to SqlitePath.");
            }

            if (SameFile(options.KeyVaultPath, options.SqlitePath))
            {
                return ValidateOptionsResult.Fail(
                    $"{StorageOptions.Section}:KeyVaultPath must be another file than SqlitePath: main-database backups must not hold the key vault.");
            }
        }

        if (provider == StorageProvider.Mongo)
        {
            if (string.IsNullOrWhiteSpace(options.MongoConnectionString))
            {
                return ValidateOptionsResult.Fail(
                    $"{StorageOptions.Section}:MongoConnectionString is required when the provider is Mongo.");
            }

            if (!options.MongoConnectionString.StartsWith("mongodb://", StringComparison.Ordinal)
                && !options.MongoConnectionString.StartsWith("mongodb+srv://", StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Fail(
                    $"{StorageOptions.Section}:MongoConnectionString must start with mongodb:// or mongodb+srv://.");
            }

            if (string.IsNullOrWhiteSpace(options.MongoDatabase))
            {
                return ValidateOptionsResult.Fail($"{StorageOptions.Section}:MongoDatabase is required when the provider is Mongo.");
            }

            if (options.MongoKeyVaultDatabase is not null && string.IsNullOrWhiteSpace(options.MongoKeyVaultDatabase))
            {
                return ValidateOptionsResult.Fail(
                    $"{StorageOptions.Section}:MongoKeyVaultDatabase must be a database name; leave it unset for '{{MongoDatabase}}_keys'.");
            }

            if (options.MongoKeyVaultConnectionString is not null
                && !options.MongoKeyVaultConnectionString.StartsWith("mongodb://", StringComparison.Ordinal)
                && !options.MongoKeyVaultConnectionString.StartsWith("mongodb+srv://", StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Fail(
                    $"{StorageOptions.Section}:MongoKeyVaultConnectionString must start with mongodb:// or mongodb+srv://; leave it unset to use MongoConnectionString.");
            }

            if (options.MongoKeyVaultConnectionString is null
                && string.Equals(options.ResolvedMongoKeyVaultDatabase, options.MongoDatabase, StringComparison.OrdinalIgnoreCase))
            {
                return ValidateOptionsResult.Fail(
                    $"{StorageOptions.Section}:MongoKeyVaultDatabase must differ from MongoDatabase: main-database backups must not hold the key vault.");
            }
        }

        return ValidateOptionsResult.Success;
    }

    private static bool SameFile(string a, string b)
    {
        // Both resolve against the same content root; any absolute folder stands in for it.
        var root = Path.GetTempPath();
        return string.Equals(Path.GetFullPath(a, root), Path.GetFullPath(b, root), StringComparison.Ordinal);
    }
}

/// <summary>Checks <see cref="SecurityOptions"/>: the master keys must be 32 bytes of base64.</summary>
internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.MasterKey))
        {
            return ValidateOptionsResult.Fail(
                $"{SecurityOptions.Section}:MasterKey is required: 32 random bytes, base64 (for example `openssl rand -base64 32`).");
        }

        if (!IsKey(options.MasterKey))
        {
            return ValidateOptionsResult.Fail($"{SecurityOptions.Section}:MasterKey must be 32 bytes encoded as base64.");
        }

        if (string.IsNullOrWhiteSpace(options.MasterKeyId) || options.MasterKeyId.Length > 64)
        {
            return ValidateOptionsResult.Fail($"{SecurityOptions.Section}:MasterKeyId must be 1-64 characters.");
        }

        foreach (var (id, key) in options.PreviousMasterKeys)
        {
            if (!IsKey(key))
            {
                return ValidateOptionsResult.Fail(
                    $"{SecurityOptions.Section}:PreviousMasterKeys:{id} must be 32 bytes encoded as base64.");
            }
        }

        return ValidateOptionsResult.Success;
    }

    internal static bool IsKey(string value)
    {
        Span<byte> bytes = stackalloc byte[48];
        return Convert.TryFromBase64String(value.Trim(), bytes, out var written) && written == 32;
    }
}

/// <summary>Checks <see cref="AppOptions"/>: the base URL must be an absolute http(s) URL without query or fragment.</summary>
internal sealed class AppOptionsValidator : IValidateOptions<AppOptions>
{
    public ValidateOptionsResult Validate(string? name, AppOptions options)
    {
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return ValidateOptionsResult.Fail(
                $"{AppOptions.Section}:BaseUrl must be an absolute http or https URL without query or fragment (found '{options.BaseUrl}').");
        }

        return ValidateOptionsResult.Success;
    }
}
