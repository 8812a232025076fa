using Microsoft.Extensions.Options;
using Plexura.Core.Identity;
using Plexura.Infrastructure.Configuration;

namespace Plexura.Infrastructure.Identity;

/// <summary>Hashes passwords with bcrypt at the configured work factor (standard <c>$2a$</c>/<c>$2b$</c> hashes).</summary>
/// <remarks>
/// Standard bcrypt, without BCrypt.Net's "enhanced entropy" SHA-384 pre-hash, so stored hashes stay portable to any
/// bcrypt library. bcrypt reads at most 72 bytes of a password; the policy's 12-character minimum keeps that far
/// above guessable, and the 128-character maximum bounds the work. A hash made at a lower work factor than
/// configured still verifies and reports <see cref="PasswordVerification.NeedsRehash"/>.
/// Every hash and check (the dummy one too, so it keeps costing what a real one costs) runs through the shared
/// <see cref="PasswordHashingLimiter"/>.
/// </remarks>
internal sealed class BcryptPasswordHasher : IPasswordHasher
{
    private readonly int _workFactor;
    private readonly PasswordHashingLimiter _limiter;

    public BcryptPasswordHasher(IOptions<AuthOptions> options, PasswordHashingLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limiter);
        _workFactor = options.Value.BcryptWorkFactor;
        _limiter = limiter;
        DummyHash = $"$2a${_workFactor:D2}$" + "VzqtIuUTl9Y9U2G1nH0Dpu" + "wT8JvXo7tgXxmgbpO6Pd8s0Y4TLrA1e";
    }

    /// <summary>A well-formed hash at the configured work factor that no password matches (its checksum is made up).</summary>
    internal string DummyHash { get; }

    public Task<string> HashAsync(string password, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(password);
        return _limiter.RunAsync(() => Hash(password), ct);
    }

    public Task<PasswordVerification> VerifyAsync(string password, string hash, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(password);
        return _limiter.RunAsync(() => Verify(password, hash), ct);
    }

    /// <remarks>
    /// Runs the full bcrypt computation at the configured work factor against <see cref="DummyHash"/>, so it costs what
    /// a real check costs, from the very first call (nothing is computed ahead or cached).
    /// </remarks>
    public Task DummyVerifyAsync(CancellationToken ct) =>
        _limiter.RunAsync(() => BCrypt.Net.BCrypt.Verify("not the password", DummyHash), ct);

    internal string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, _workFactor);

    internal PasswordVerification Verify(string password, string hash)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (string.IsNullOrEmpty(hash))
        {
            return PasswordVerification.Failed;
        }

        try
        {
            if (!BCrypt.Net.BCrypt.Verify(password, hash))
            {
                return PasswordVerification.Failed;
            }

            return BCrypt.Net.BCrypt.PasswordNeedsRehash(hash, _workFactor)
                ? PasswordVerification.SuccessNeedsRehash
                : PasswordVerification.Success;
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return PasswordVerification.Failed;
        }
        catch (BCrypt.Net.HashInformationException)
        {
            return PasswordVerification.Failed;
        }
        catch (ArgumentException)
        {
            // A truncated or corrupted hash makes BCrypt.Net index past its end.
            return PasswordVerification.Failed;
        }
    }
}
