using Plexura.Core.Common;
using Plexura.Core.Security;

namespace Plexura.Core.Identity;

/// <summary>How a user's authenticator secret is sealed for storage.</summary>
/// <remarks>
/// Sealed by <see cref="ISecretProtector"/> under the purpose <see cref="Purpose"/> and the user id as subject: a sealed
/// secret copied onto another account, or into another field, does not open.
/// </remarks>
internal static class TotpSecrets
{
    /// <summary>The protector purpose of TOTP secrets.</summary>
    public const string Purpose = "totp";

    public static string Seal(ISecretProtector protector, UserId userId, string secret) =>
        protector.Protect(Purpose, userId.ToString(), secret);

    public static string Open(ISecretProtector protector, UserId userId, string sealedSecret) =>
        protector.Unprotect(Purpose, userId.ToString(), sealedSecret);
}
