using Plexura.Core.Common;
using Plexura.Core.Memberships;

namespace Plexura.Core.Identity;

/// <summary>Who a token is for.</summary>
/// <param name="UserId">The signed-in user.</param>
/// <param name="Email">The user's (normalized) email.</param>
/// <param name="SessionId">The server-side session the token belongs to; revoking it revokes the token.</param>
/// <param name="PracticeId">The practice the user entered, or null while none is chosen.</param>
/// <param name="Role">The user's role in that practice, or null when no practice is chosen.</param>
public sealed record TokenSubject(UserId UserId, string Email, SessionId SessionId, PracticeId? PracticeId, PracticeRole? Role);

/// <summary>A signed token and its lifetime.</summary>
public sealed record IssuedToken(string Value, string TokenId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>What a valid token says.</summary>
public sealed record TokenClaims(
    TokenSubject Subject,
    string TokenId,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt);

/// <summary>Why a token was refused.</summary>
public enum TokenFailure
{
    /// <summary>Its lifetime is over (at or after <c>exp</c>).</summary>
    Expired,

    /// <summary>Its lifetime has not begun (<c>nbf</c> or <c>iat</c> in the future).</summary>
    NotYetValid,

    /// <summary>The signature does not match the payload under our key.</summary>
    BadSignature,

    /// <summary>Not a token, or a token missing a required claim.</summary>
    Malformed,

    /// <summary>Issued by someone else.</summary>
    WrongIssuer,

    /// <summary>Meant for someone else.</summary>
    WrongAudience,

    /// <summary>Signed with an algorithm other than HS256 (including <c>none</c>).</summary>
    AlgorithmNotAllowed,

    /// <summary>Signed by us but not living exactly <see cref="ITokenService.Lifetime"/> (a forged long-lived token).</summary>
    WrongLifetime,
}

/// <summary>Either the claims of a valid token or why it was refused.</summary>
public sealed record TokenValidationResult
{
    private TokenValidationResult(TokenClaims? claims, TokenFailure? failure)
    {
        Claims = claims;
        Failure = failure;
    }

    /// <summary>The claims; set exactly when the token is valid.</summary>
    public TokenClaims? Claims { get; }

    /// <summary>Why the token was refused; set exactly when it is not valid.</summary>
    public TokenFailure? Failure { get; }

    /// <summary>Whether the token is valid.</summary>
    public bool IsValid => Claims is not null;

    /// <summary>A valid token.</summary>
    public static TokenValidationResult Valid(TokenClaims claims) => new(claims, null);

    /// <summary>A refused token.</summary>
    public static TokenValidationResult Refused(TokenFailure failure) => new(null, failure);
}

/// <summary>Issues and checks the signed tokens that carry a session (HIPAA 5.1, 5.4).</summary>
public interface ITokenService
{
    /// <summary>How long a token lives: exactly this long after issue, never extended.</summary>
    /// <remarks>HIPAA 5.4 automatic logoff: a stolen or forgotten token stops working after two hours at most.</remarks>
    static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(120);

    /// <summary>A token for <paramref name="subject"/>, valid from now for <see cref="Lifetime"/>.</summary>
    IssuedToken Issue(TokenSubject subject);

    /// <summary>The claims of <paramref name="token"/>, or why it is refused. Never throws for bad input.</summary>
    /// <remarks>
    /// A valid token alone is not enough to let a request in: <c>SessionValidator</c> must also find its
    /// session active, so sign-out and revocation take effect before the token expires.
    /// </remarks>
    Task<TokenValidationResult> ValidateAsync(string token, CancellationToken ct);
}
