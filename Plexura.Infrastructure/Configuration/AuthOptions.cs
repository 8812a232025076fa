namespace Plexura.Infrastructure.Configuration;

/// <summary>Section <c>Plexura:Auth</c>: token signing and password hashing.</summary>
public sealed class AuthOptions
{
    public const string Section = "Plexura:Auth";

    /// <summary>The bcrypt work factor used by default.</summary>
    public const int DefaultBcryptWorkFactor = 12;

    /// <summary>The token issuer (<c>iss</c>), checked on every token.</summary>
    public string Issuer { get; set; } = "plexura";

    /// <summary>The token audience (<c>aud</c>), checked on every token.</summary>
    public string Audience { get; set; } = "plexura";

    /// <summary>The HMAC-SHA256 token signing key: at least 32 random bytes, base64. Required outside Development.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The bcrypt work factor for new hashes (10-16); stored hashes below it are upgraded at sign-in.</summary>
    public int BcryptWorkFactor { get; set; } = DefaultBcryptWorkFactor;

    /// <summary>The default queue of password hashes waiting for a slot.</summary>
    /// <remarks>
    /// Measured (bench scenario signin-burst): at factor 12 one slot checks about 3.5 passwords a second, so a queue of 64
    /// made an honest sign-in wait up to 18 s behind a burst; 8 keeps the wait near two seconds and sheds the rest.
    /// </remarks>
    public const int DefaultPasswordHashQueueLimit = 8;

    /// <summary>How many password hashes or checks may run at once (at least 1); by default one core is left free.</summary>
    /// <remarks>bcrypt is CPU-bound by design: capping it keeps a credential-stuffing burst from taking every core.</remarks>
    public int MaxConcurrentPasswordHashes { get; set; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>How many password hashes may wait for a slot (0 or more); one more is refused with a 503.</summary>
    public int PasswordHashQueueLimit { get; set; } = DefaultPasswordHashQueueLimit;

    /// <summary>The signing key's bytes.</summary>
    internal byte[] SigningKeyBytes() =>
        Convert.FromBase64String(SigningKey?.Trim() ?? throw new InvalidOperationException($"{Section}:SigningKey is not set."));
}
