using Microsoft.Extensions.Options;

namespace Plexura.Infrastructure.Configuration;

/// <summary>Checks <see cref="AuthOptions"/>; every message names the setting at fault.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public const int MinSigningKeyBytes = 32;
    public const int MinBcryptWorkFactor = 10;
    public const int MaxBcryptWorkFactor = 16;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return ValidateOptionsResult.Fail(
                $"{AuthOptions.Section}:SigningKey is required: at least {MinSigningKeyBytes} random bytes, base64 (for example `openssl rand -base64 32`).");
        }

        if (!IsSigningKey(options.SigningKey))
        {
            return ValidateOptionsResult.Fail(
                $"{AuthOptions.Section}:SigningKey must be at least {MinSigningKeyBytes} bytes encoded as base64.");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            return ValidateOptionsResult.Fail($"{AuthOptions.Section}:Issuer must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            return ValidateOptionsResult.Fail($"{AuthOptions.Section}:Audience must not be empty.");
        }

        if (options.BcryptWorkFactor is < MinBcryptWorkFactor or > MaxBcryptWorkFactor)
        {
            return ValidateOptionsResult.Fail(
                $"{AuthOptions.Section}:BcryptWorkFactor must be between {MinBcryptWorkFactor} and {MaxBcryptWorkFactor} (found {options.BcryptWorkFactor}).");
        }

        if (options.MaxConcurrentPasswordHashes < 1)
        {
            return ValidateOptionsResult.Fail(
                $"{AuthOptions.Section}:MaxConcurrentPasswordHashes must be at least 1 (found {options.MaxConcurrentPasswordHashes}).");
        }

        if (options.PasswordHashQueueLimit < 0)
        {
            return ValidateOptionsResult.Fail(
                $"{AuthOptions.Section}:PasswordHashQueueLimit must be 0 or more (found {options.PasswordHashQueueLimit}).");
        }

        return ValidateOptionsResult.Success;
    }

    internal static bool IsSigningKey(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var written) && written >= MinSigningKeyBytes;
    }
}
