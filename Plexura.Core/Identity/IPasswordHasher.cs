namespace Plexura.Core.Identity;

/// <summary>The outcome of checking a password against a stored hash.</summary>
/// <param name="Succeeded">Whether the password matches.</param>
/// <param name="NeedsRehash">
/// The password matches but the hash was made with a lower work factor than configured: hash it again and store the
/// new hash while the plain password is at hand.
/// </param>
public readonly record struct PasswordVerification(bool Succeeded, bool NeedsRehash)
{
    /// <summary>The password does not match (or the stored hash is unreadable).</summary>
    public static PasswordVerification Failed => new(false, false);

    /// <summary>The password matches and the hash is current.</summary>
    public static PasswordVerification Success => new(true, false);

    /// <summary>The password matches; the hash should be replaced.</summary>
    public static PasswordVerification SuccessNeedsRehash => new(true, true);
}

/// <summary>Hashes and checks passwords.</summary>
/// <remarks>
/// Asynchronous because the work is deliberately slow and is capped: implementations run at most a configured number
/// of hashes at once and queue a bounded number more, so a burst of sign-in attempts (credential stuffing) cannot take
/// every CPU from signed-in users. Past the queue they throw <see cref="Common.ServiceBusyException"/> at once.
/// </remarks>
public interface IPasswordHasher
{
    /// <summary>A salted, slow hash of <paramref name="password"/> in a self-describing format.</summary>
    /// <exception cref="Common.ServiceBusyException">Too many hashes are already running or waiting.</exception>
    Task<string> HashAsync(string password, CancellationToken ct);

    /// <summary>Whether <paramref name="password"/> matches <paramref name="hash"/>; never throws for a bad hash.</summary>
    /// <exception cref="Common.ServiceBusyException">Too many hashes are already running or waiting.</exception>
    Task<PasswordVerification> VerifyAsync(string password, string hash, CancellationToken ct);

    /// <summary>Spends as long as a real <see cref="VerifyAsync"/>, for sign-ins with an unknown email.</summary>
    /// <remarks>Without it, "no such account" answers faster than "wrong password" and gives away who has an account.</remarks>
    /// <exception cref="Common.ServiceBusyException">Too many hashes are already running or waiting.</exception>
    Task DummyVerifyAsync(CancellationToken ct);
}
