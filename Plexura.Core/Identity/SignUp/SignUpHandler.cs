using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.SignUp;

/// <summary>Creates a practice, its data key, its owner's account and the owner membership, then sends a verification link.</summary>
/// <remarks>
/// <para>
/// <b>Nothing half-written.</b> The stores have no multi-record transaction (MongoDB and SQLite alike), so the steps
/// are ordered and undone on failure. The user is written first, because its unique email index is the real guard
/// against two sign-ups racing for one address: a duplicate fails before anything else exists. Then the practice,
/// its data key and last the Owner membership. Until that membership exists nobody can enter the practice: access
/// to practice data is decided by membership. When a later step fails, the handler crypto-shreds the data key if one
/// was made and deletes the user (so the person can simply sign up again); the practice row itself stays, inert, with
/// no member and no usable key: the repositories deliberately have no practice delete.
/// </para>
/// <para>
/// <b>A taken email is refused openly</b> ("An account with this email already exists"). This tells a visitor that the
/// address has an account; the alternative (always answering "check your email") would leave a real owner who
/// mistyped nothing to go on. Sign-up is rate-limited at the edge, and the message never reaches logs.
/// </para>
/// <para>
/// The verification email carries only the link. It is queued and delivered in the background, so a provider
/// failure cannot undo the sign-up; a new link can be requested.
/// </para>
/// </remarks>
public sealed class SignUpHandler(
    IUserRepository users,
    IPracticeRepository practices,
    IMembershipRepository memberships,
    IPracticeKeyService keys,
    IPasswordHasher hasher,
    PasswordPolicy policy,
    IAuditLog audit,
    IEmailSender email,
    IOptions<AppOptions> app,
    TimeProvider time,
    ILogger<SignUpHandler> logger)
{
    private const string DuplicateEmailMessage = "An account with this email already exists. Sign in instead.";

    /// <summary>Signs up; throws <see cref="ValidationFailedException"/> for bad input or a taken email.</summary>
    public async Task<SignUpResult> HandleAsync(SignUpCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (practiceName, ownerName, emailAddress) = SignUpValidation.Validate(command, policy);
        if (await users.FindByEmailAsync(emailAddress, ct) is not null)
        {
            throw new ValidationFailedException(DuplicateEmailMessage);
        }

        var now = time.GetUtcNow();
        var token = EmailVerificationToken.Create(now);
        var user = new User(
            UserId.New(),
            User.NormalizeEmail(emailAddress),
            ownerName,
            await hasher.HashAsync(command.Password, ct),
            now,
            EmailVerificationTokenHash: token.Hash,
            EmailVerificationExpiresAt: token.ExpiresAt);
        try
        {
            await users.AddAsync(user, ct);
        }
        catch (DuplicateRecordException)
        {
            throw new ValidationFailedException(DuplicateEmailMessage);
        }

        var practice = new Practice(PracticeId.New(), practiceName, now, TimeZoneId: PracticeTimeZone.OrDefault(command.TimeZoneId));
        var membership = new Membership(MembershipId.New(), practice.Id, user.Id, PracticeRole.Owner, now);
        await CreatePracticeOrUndoAsync(user, practice, membership, ct);

        var actor = new AuditActor(user.Id, user.Email);
        await AuditCreatedAsync(practice.Id, actor, client, "practice", practice.Id.ToString(), null, ct);
        await AuditCreatedAsync(practice.Id, actor, client, "user", user.Id.ToString(), null, ct);
        await AuditCreatedAsync(practice.Id, actor, client, "membership", membership.Id.ToString(), PracticeRole.Owner, ct);

        await email.EnqueueAsync(AccountEmails.Verification(user, token, app.Value), ct);
        return new SignUpResult(user.Id, practice.Id, membership.Id, VerificationEmailSent: true);
    }

    private async Task CreatePracticeOrUndoAsync(User user, Practice practice, Membership membership, CancellationToken ct)
    {
        var keyCreated = false;
        try
        {
            await practices.AddAsync(practice.Id, practice, ct);
            await keys.CreateAsync(practice.Id, ct);
            keyCreated = true;
            await memberships.AddAsync(practice.Id, membership, ct);
        }
        catch (Exception ex)
        {
            // Undo with a fresh token: a cancelled request must still not leave a usable half.
            logger.LogError(ex, "Sign-up of user {UserId} failed after the account was written; undoing.", user.Id);
            if (keyCreated)
            {
                await UndoAsync(() => keys.DestroyAsync(practice.Id, CancellationToken.None), "destroy practice key", practice.Id.ToString());
            }

            await UndoAsync(() => users.DeleteAsync(user.Id, user.Version, CancellationToken.None), "delete user", user.Id.ToString());
            throw;
        }
    }

    private async Task UndoAsync(Func<Task> step, string what, string id)
    {
        try
        {
            await step();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Sign-up undo step '{Step}' failed for {Id}.", what, id);
        }
    }

    private async Task AuditCreatedAsync(
        PracticeId practiceId, AuditActor actor, ClientInfo client, string targetType, string targetId, PracticeRole? role, CancellationToken ct)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["via"] = "sign-up" };
        if (role is { } r)
        {
            details["role"] = r.ToString();
        }

        await audit.RecordAsync(
            new AuditEntry(practiceId, actor, client.SourceIp, client.UserAgent, AuditAction.Created, targetType, targetId, null, AuditResult.Success, details),
            ct);
    }
}
