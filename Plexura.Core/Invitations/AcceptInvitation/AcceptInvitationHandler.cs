using Microsoft.Extensions.Logging;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignUp;
using Plexura.Core.Invitations.GetInvitation;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;

namespace Plexura.Core.Invitations.AcceptInvitation;

/// <summary>Turns a pending invitation into a membership, creating the account when the address has none.</summary>
/// <remarks>
/// <para>
/// <b>Proof.</b> The token proves control of the invited inbox, so a new account starts with its email verified.
/// When the address already has an account the token is not enough: the command must carry that account's password,
/// checked like a sign-in (a locked account is refused before the check; a wrong password counts towards the
/// lockout and is audited as a failed sign-in on the account's chains and as a failed acceptance on the inviting
/// practice's chain). Otherwise whoever read the email could attach someone else's account to a practice.
/// </para>
/// <para>
/// <b>Single use.</b> The invitation is marked accepted with an optimistic-concurrency update before the membership
/// is written, so two racing acceptances cannot both succeed; the loser gets the same "expired or used" answer as a
/// reused link. Every refusal of a link is audited without the token.
/// </para>
/// <para>
/// <b>Nothing half-written.</b> No multi-record transaction exists, so the steps are ordered (account, invitation,
/// membership) and undone when a later one fails, as in sign-up: a new account is deleted and the invitation made
/// pending again.
/// </para>
/// </remarks>
public sealed class AcceptInvitationHandler(
    IInvitationRepository invitations,
    IPracticeRepository practices,
    IUserRepository users,
    IMembershipRepository memberships,
    IPasswordHasher hasher,
    PasswordPolicy policy,
    LoginThrottle throttle,
    IAuditLog audit,
    TimeProvider time,
    ILogger<AcceptInvitationHandler> logger,
    Billing.BillingSeatRequests seats)
{
    /// <summary>Shown when the password does not match the existing account.</summary>
    public const string WrongPasswordMessage = "That password does not match your Plexura account. Enter the password you sign in with.";

    /// <summary>Shown when the existing account is locked after wrong passwords.</summary>
    public const string LockedMessage = "Too many wrong passwords for this account. Wait a few minutes and try again.";

    /// <summary>Shown when the invitee already belongs to the practice.</summary>
    public const string AlreadyMemberMessage = "You are already a member of this practice. Sign in instead.";

    /// <summary>Shown when an account for the address appeared while a new one was being made.</summary>
    public const string AccountAppearedMessage = "An account with this email now exists. Enter its password to accept the invitation.";

    private const int MaxAttempts = 5;

    /// <summary>Accepts; throws <see cref="ValidationFailedException"/> for a link that does not work or wrong input.</summary>
    public async Task<AcceptInvitationResult> HandleAsync(AcceptInvitationCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var password = command.Password ?? string.Empty;
        var now = time.GetUtcNow();

        var invitation = await invitations.FindByTokenHashAsync(InvitationToken.HashOf(command.Token), ct);
        if (invitation is null)
        {
            await InvitationAudit.RecordAsync(
                audit, PracticeId.None, AuditActor.Anonymous, client, AuditAction.InvitationAccepted, AuditResult.Failed, null, ct, ("reason", "invalid-token"));
            throw new ValidationFailedException(GetInvitationHandler.UnavailableMessage);
        }

        var status = invitation.StatusAt(now);
        var practice = status == InvitationStatus.Pending ? await practices.GetAsync(invitation.PracticeId, ct) : null;
        if (practice is null)
        {
            await FailAsync(invitation, AuditActor.Anonymous, client, status.ToString().ToLowerInvariant(), ct);
            throw new ValidationFailedException(GetInvitationHandler.UnavailableMessage);
        }

        var existing = await users.FindByEmailAsync(invitation.Email, ct);
        var (user, created) = existing is null
            ? (await CreateAccountAsync(invitation, command.DisplayName, password, now, ct), true)
            : (await ProveAccountAsync(invitation, existing, password, client, now, ct), false);

        try
        {
            if (!created && await memberships.FindByUserAsync(invitation.PracticeId, user.Id, ct) is not null)
            {
                throw new ValidationFailedException(AlreadyMemberMessage);
            }

            var membership = await JoinAsync(invitation, user, client, now, ct);
            await AuditAcceptedAsync(invitation, user, membership, created, client, ct);
            var mfaNext = PracticePolicy.RequiresMfa(invitation.Role, practice.RequireMfaForAllMembers) && !user.HasMfa;
            return new AcceptInvitationResult(user.Id, invitation.PracticeId, membership.Id, created, mfaNext);
        }
        catch when (created)
        {
            await UndoAsync(() => users.DeleteAsync(user.Id, user.Version, CancellationToken.None), "delete user", user.Id.ToString());
            throw;
        }
    }

    private async Task<User> CreateAccountAsync(Invitation invitation, string? displayName, string password, DateTimeOffset now, CancellationToken ct)
    {
        var name = PersonText.Optional(displayName, "Your name", int.MaxValue) ?? string.Empty;
        if (name.Length is 0 or > SignUpValidation.MaxOwnerNameLength)
        {
            throw new ValidationFailedException($"Enter your name in 1 to {SignUpValidation.MaxOwnerNameLength} characters.");
        }

        var check = policy.Check(password, invitation.Email, name);
        if (!check.IsValid)
        {
            throw new ValidationFailedException(check.Message!);
        }

        var user = new User(UserId.New(), invitation.Email, name, await hasher.HashAsync(password, ct), now, EmailVerifiedAt: now);
        try
        {
            await users.AddAsync(user, ct);
        }
        catch (DuplicateRecordException)
        {
            throw new ValidationFailedException(AccountAppearedMessage);
        }

        return user with { Email = User.NormalizeEmail(user.Email) };
    }

    private async Task<User> ProveAccountAsync(Invitation invitation, User user, string password, ClientInfo client, DateTimeOffset now, CancellationToken ct)
    {
        var actor = new AuditActor(user.Id, user.Email);
        if (throttle.LockedUntil(user) is not null)
        {
            await AuditWrongPasswordAsync(invitation, user, actor, client, "locked", ct);
            throw new ValidationFailedException(LockedMessage);
        }

        if (!(await hasher.VerifyAsync(password, user.PasswordHash, ct)).Succeeded)
        {
            await UpdateWithRetryAsync(user, throttle.RegisterFailure, ct);
            await AuditWrongPasswordAsync(invitation, user, actor, client, "wrong-password", ct);
            throw new ValidationFailedException(WrongPasswordMessage);
        }

        // The link proved the inbox: an unverified existing account is verified now, and the failure count resets.
        return user.FailedSignIns == 0 && user.LockedUntil is null && user.IsEmailVerified
            ? user
            : await UpdateWithRetryAsync(
                user,
                u => LoginThrottle.RegisterSuccess(u) with
                {
                    EmailVerifiedAt = u.EmailVerifiedAt ?? now,
                    EmailVerificationTokenHash = u.IsEmailVerified ? u.EmailVerificationTokenHash : null,
                    EmailVerificationExpiresAt = u.IsEmailVerified ? u.EmailVerificationExpiresAt : null,
                },
                ct);
    }

    private async Task<Membership> JoinAsync(Invitation invitation, User user, ClientInfo client, DateTimeOffset now, CancellationToken ct)
    {
        Invitation accepted;
        try
        {
            accepted = await invitations.UpdateAsync(invitation.PracticeId, invitation with { AcceptedAt = now, AcceptedByUserId = user.Id }, ct);
        }
        catch (ConcurrencyConflictException)
        {
            // Someone else used, revoked or resent it a moment ago.
            await FailAsync(invitation, new AuditActor(user.Id, user.Email), client, "conflict", ct);
            throw new ValidationFailedException(GetInvitationHandler.UnavailableMessage);
        }

        var membership = new Membership(MembershipId.New(), invitation.PracticeId, user.Id, invitation.Role, now);
        try
        {
            await memberships.AddAsync(invitation.PracticeId, membership, ct);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Accepting invitation {InvitationId} failed after it was marked accepted; undoing.", invitation.Id);
            await UndoAsync(
                () => invitations.UpdateAsync(invitation.PracticeId, accepted with { AcceptedAt = null, AcceptedByUserId = null }, CancellationToken.None),
                "reopen invitation",
                invitation.Id.ToString());
            if (ex is DuplicateRecordException)
            {
                throw new ValidationFailedException(AlreadyMemberMessage);
            }

            throw;
        }

        await seats.RequestAsync(invitation.PracticeId, "member-joined", ct);
        return membership;
    }

    private async Task AuditAcceptedAsync(Invitation invitation, User user, Membership membership, bool created, ClientInfo client, CancellationToken ct)
    {
        var actor = new AuditActor(user.Id, user.Email);
        if (created)
        {
            await audit.RecordAsync(
                new AuditEntry(
                    invitation.PracticeId, actor, client.SourceIp, client.UserAgent, AuditAction.Created, "user", user.Id.ToString(), null, AuditResult.Success,
                    new Dictionary<string, string>(StringComparer.Ordinal) { ["via"] = "invitation", ["invitation"] = invitation.Id.ToString() }),
                ct);
        }

        await InvitationAudit.RecordAsync(
            audit, invitation.PracticeId, actor, client, AuditAction.InvitationAccepted, AuditResult.Success, invitation.Id, ct,
            ("role", invitation.Role.ToString()), ("membership", membership.Id.ToString()), ("account", created ? "created" : "existing"));
    }

    private async Task AuditWrongPasswordAsync(Invitation invitation, User user, AuditActor actor, ClientInfo client, string reason, CancellationToken ct)
    {
        foreach (var practiceId in await AuditChains.ForUserAsync(memberships, user.Id, ct))
        {
            await audit.RecordAsync(
                new AuditEntry(
                    practiceId, actor, client.SourceIp, client.UserAgent, AuditAction.SignInFailed, "user", user.Id.ToString(), null, AuditResult.Failed,
                    new Dictionary<string, string>(StringComparer.Ordinal) { ["reason"] = reason, ["via"] = "accept-invitation" }),
                ct);
        }

        await FailAsync(invitation, actor, client, reason, ct);
    }

    private Task<AuditEvent> FailAsync(Invitation invitation, AuditActor actor, ClientInfo client, string reason, CancellationToken ct) =>
        InvitationAudit.RecordAsync(
            audit, invitation.PracticeId, actor, client, AuditAction.InvitationAccepted, AuditResult.Failed, invitation.Id, ct, ("reason", reason));

    private async Task<User> UpdateWithRetryAsync(User user, Func<User, User> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await users.UpdateAsync(change(user), ct);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                user = await users.GetAsync(user.Id, ct) ?? throw new RecordNotFoundException("user");
            }
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
            logger.LogError(ex, "Invitation acceptance undo step '{Step}' failed for {Id}.", what, id);
        }
    }
}
