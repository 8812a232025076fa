using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Users;
using Plexura.Tests.Persistence;
using Plexura.Tests.Support;
using Plexura.Tests.Unit.Identity.UseCases;

namespace Plexura.Tests.Unit.Practices;

/// <summary>Practice and invitation use cases on the real services, run as a chosen member of a chosen practice.</summary>
public abstract class PracticeUseCaseTestBase(SqliteStorageFixture fixture) : IdentityUseCaseTestBase(fixture)
{
    /// <summary>A member of a test practice.</summary>
    private static string? _passwordHash;

    protected sealed record Member(PracticeId PracticeId, UserId UserId, string Email, PracticeRole Role, MembershipId MembershipId);

    /// <summary>A new practice whose owner (from sign-up) has a second factor unless told otherwise.</summary>
    protected async Task<Member> NewPracticeAsync(bool ownerHasMfa = true)
    {
        var (result, email) = await SignUpAsync();
        if (ownerHasMfa)
        {
            await GiveMfaAsync(result.UserId);
        }

        return new Member(result.PracticeId, result.UserId, User.NormalizeEmail(email), PracticeRole.Owner, result.MembershipId);
    }

    /// <summary>A new practice whose owner has a second factor and a verified email, as client access requires.</summary>
    protected async Task<Member> NewVerifiedPracticeAsync()
    {
        var owner = await NewPracticeAsync();
        var users = Fixture.Get<IUserRepository>();
        var user = await users.GetAsync(owner.UserId, Ct);
        await users.UpdateAsync(user! with { EmailVerifiedAt = Now }, Ct);
        return owner;
    }

    /// <summary>A new account with <paramref name="role"/> in the practice, written straight to storage.</summary>
    protected async Task<Member> AddMemberAsync(PracticeId practiceId, PracticeRole role, bool hasMfa = true, string? email = null)
    {
        var user = await NewUserAsync(email);
        if (hasMfa)
        {
            await GiveMfaAsync(user.Id);
        }

        var membership = new Membership(MembershipId.New(), practiceId, user.Id, role, Now);
        await Fixture.Get<IMembershipRepository>().AddAsync(practiceId, membership, Ct);
        return new Member(practiceId, user.Id, user.Email, role, membership.Id);
    }

    /// <summary>An account with the test password and no membership.</summary>
    /// <remarks>Every such account shares one hash of the test password, made once per test run: bcrypt is the slow part of arranging members.</remarks>
    protected async Task<User> NewUserAsync(string? email = null)
    {
        _passwordHash ??= await Fixture.Get<IPasswordHasher>().HashAsync(Password, Ct);
        var user = new User(UserId.New(), User.NormalizeEmail(email ?? NewEmail()), "Sam Lee", _passwordHash, Now, EmailVerifiedAt: Now);
        await Fixture.Get<IUserRepository>().AddAsync(user, Ct);
        return user;
    }

    /// <summary>Stores a confirmed authenticator on the user, as the MFA enrollment use case will.</summary>
    protected async Task GiveMfaAsync(UserId userId)
    {
        var users = Fixture.Get<IUserRepository>();
        var user = await users.GetAsync(userId, Ct);
        await users.UpdateAsync(user! with { TotpSecret = "sealed-test-secret", MfaEnabledAt = Now }, Ct);
    }

    /// <summary>The handler <typeparamref name="T"/> acting as <paramref name="member"/> (signed in with the member's practice entered).</summary>
    protected T As<T>(Member member)
        where T : class => As<T>(new FakeCurrentUser(member.UserId, SessionId.New(), member.PracticeId));

    /// <summary>The handler <typeparamref name="T"/> with <paramref name="currentUser"/> as the signed-in user.</summary>
    protected T As<T>(ICurrentUser currentUser)
        where T : class => ActingAs.Build<T>(Fixture.Services.CreateScope().ServiceProvider, currentUser);

    /// <summary>The practice's events, newest first.</summary>
    protected Task<IReadOnlyList<AuditEvent>> AuditAsync(PracticeId practiceId, AuditAction? action = null) =>
        Fixture.Get<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Action: action), Ct);

    /// <summary>The token in the link of the newest invitation email to <paramref name="email"/>.</summary>
    protected async Task<string> InvitationTokenAsync(string email)
    {
        var messages = await Fixture.Get<IOutboxRepository>().ListNewestAsync(500, Ct);
        var message = messages.First(m => m.Kind == "invitation" && string.Equals(m.To, email, StringComparison.OrdinalIgnoreCase));
        const string marker = "/account/accept-invitation?token=";
        var start = message.TextBody.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        var end = message.TextBody.IndexOfAny([' ', '\n', '\r'], start);
        return Uri.UnescapeDataString(message.TextBody[start..(end < 0 ? message.TextBody.Length : end)]);
    }
}
