using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.UpdateProfile;

/// <summary>Change the signed-in user's profile.</summary>
/// <param name="DisplayName">The name shown to colleagues.</param>
public sealed record UpdateProfileCommand(string DisplayName);

/// <summary>The profile as stored.</summary>
/// <param name="DisplayName">The trimmed display name.</param>
public sealed record UpdateProfileResult(string DisplayName);

/// <summary>The rules an <see cref="UpdateProfileCommand"/> must meet.</summary>
public static class UpdateProfileValidation
{
    /// <summary>Longest accepted display name, in characters (code points).</summary>
    public const int MaxDisplayNameLength = 100;

    /// <summary>The trimmed display name; throws <see cref="ValidationFailedException"/> when a rule is broken.</summary>
    /// <remarks>
    /// <see cref="PersonText"/> applies: control and invisible characters (bidirectional overrides, zero-width) are
    /// refused and the name is stored in NFC, since a name is shown to colleagues and in audit views and those
    /// characters can hide or reorder what is displayed (for example make one name look like another).
    /// </remarks>
    public static string Validate(UpdateProfileCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var name = PersonText.Optional(command.DisplayName, "Your name", int.MaxValue) ?? string.Empty;
        var length = name.EnumerateRunes().Count();
        if (length is 0 or > MaxDisplayNameLength)
        {
            throw new ValidationFailedException($"Enter your name in 1 to {MaxDisplayNameLength} characters.");
        }

        return name;
    }
}

/// <summary>Updates the signed-in user's display name.</summary>
/// <remarks>
/// The user comes from <see cref="ICurrentUser"/>, so nobody can rename another account. The audit event records that
/// the name changed, not the name itself: the log is kept for years and names are personal data.
/// </remarks>
public sealed class UpdateProfileHandler(
    ICurrentUser currentUser, ISessionRepository sessions, IUserRepository users, IMembershipRepository memberships, IAuditLog audit, TimeProvider time)
{
    /// <summary>Updates the profile; throws <see cref="ValidationFailedException"/> for a refused name.</summary>
    public async Task<UpdateProfileResult> HandleAsync(UpdateProfileCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var name = UpdateProfileValidation.Validate(command);
        var (user, _) = await SignedInAccount.RequireAsync(currentUser, sessions, users, time, ct);
        if (string.Equals(user.DisplayName, name, StringComparison.Ordinal))
        {
            return new UpdateProfileResult(name);
        }

        var updated = await UserUpdates.UpdateWithRetryAsync(users, user, u => u with { DisplayName = name }, ct);
        await AccountAudit.RecordAsync(
            audit, await AuditChains.ForUserAsync(memberships, updated.Id, ct), new AuditActor(updated.Id, updated.Email), client, AuditAction.Updated,
            AuditResult.Success, "user", updated.Id.ToString(), ct, ("change", "display-name"));
        return new UpdateProfileResult(updated.DisplayName);
    }
}
