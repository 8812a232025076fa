using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignUp;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Core.Users;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Identity.UseCases;

/// <summary>Sign-up: a practice, its key, its owner and a verification email, or nothing usable.</summary>
public sealed class SignUpHandlerTests(SqliteStorageFixture fixture) : IdentityUseCaseTestBase(fixture)
{
    [Fact]
    public async Task SignUp_ValidInput_CreatesUserPracticeKeyAndOwnerMembership()
    {
        var (result, email) = await SignUpAsync();

        var user = await Fixture.Get<IUserRepository>().GetAsync(result.UserId, Ct);
        Assert.NotNull(user);
        Assert.Equal(User.NormalizeEmail(email), user.Email);
        Assert.Equal("Dana Reyes", user.DisplayName);
        Assert.StartsWith("$2", user.PasswordHash, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, user.PasswordHash, StringComparison.Ordinal);
        Assert.Null(user.EmailVerifiedAt);
        Assert.NotNull(user.EmailVerificationTokenHash);
        Assert.Equal(Now + EmailVerificationToken.Lifetime, user.EmailVerificationExpiresAt);

        var practice = await Fixture.Get<IPracticeRepository>().GetAsync(result.PracticeId, Ct);
        Assert.Equal("Riverbend Counseling", practice?.Name);

        var membership = await Fixture.Get<IMembershipRepository>().GetAsync(result.PracticeId, result.MembershipId, Ct);
        Assert.Equal(PracticeRole.Owner, membership?.Role);
        Assert.Equal(result.UserId, membership!.UserId);

        var phi = Fixture.Get<IPhiProtector>();
        var field = new PhiField("client", "c-1", "name");
        var sealedName = await phi.ProtectAsync(result.PracticeId, field, "Jordan Example", Ct);
        Assert.Equal("Jordan Example", await phi.UnprotectAsync(result.PracticeId, field, sealedName, Ct));
    }

    [Fact]
    public async Task SignUp_ValidInput_SendsAVerificationLinkAndNoPassword()
    {
        var (result, email) = await SignUpAsync();

        var message = await EmailToAsync(email);
        Assert.True(result.VerificationEmailSent);
        Assert.Equal("email-verification", message.Kind);
        Assert.Contains($"{AppOptions.DefaultBaseUrl}/account/verify-email?token=", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("/account/verify-email?token=", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Riverbend", message.TextBody, StringComparison.Ordinal);

        var token = await VerificationTokenAsync(email);
        var stored = await Fixture.Get<IUserRepository>().GetAsync(result.UserId, Ct);
        Assert.Equal(43, token.Length);
        Assert.Equal(EmailVerificationToken.HashOf(token), stored!.EmailVerificationTokenHash);
        Assert.NotEqual(token, stored.EmailVerificationTokenHash);
    }

    [Fact]
    public async Task SignUp_ValidInput_AuditsPracticeUserAndMembershipOnAChainThatVerifies()
    {
        var (result, _) = await SignUpAsync();

        var events = await Fixture.Get<IAuditStore>().QueryAsync(result.PracticeId, new AuditQuery(), Ct);
        Assert.Equal(3, events.Count);
        Assert.All(events, e =>
        {
            Assert.Equal(AuditAction.Created, e.Action);
            Assert.Equal(result.UserId, e.ActorUserId);
            Assert.Equal("203.0.113.7", e.SourceIp);
        });
        Assert.Equal(
            ["membership", "practice", "user"],
            events.Select(e => e.TargetType!).Order(StringComparer.Ordinal));
        Assert.Contains(events, e => e.TargetType == "membership" && e.Details["role"] == "Owner");

        var report = await Fixture.Get<AuditChainVerifier>().VerifyAsync(result.PracticeId, Ct);
        Assert.True(report.IsValid);
        Assert.Equal(3, report.EventsChecked);
    }

    [Fact]
    public async Task SignUp_EmailTaken_RefusesClearlyInAnyCase()
    {
        var (_, email) = await SignUpAsync();

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(
            () => Handler<SignUpHandler>().HandleAsync(NewSignUp("  " + email.ToUpperInvariant()), Client, Ct));

        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(email, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("", "Dana Reyes", "practice name")]
    [InlineData("   ", "Dana Reyes", "practice name")]
    [InlineData("Riverbend", "", "your name")]
    public async Task SignUp_MissingName_NamesTheField(string practiceName, string ownerName, string expected)
    {
        var command = new SignUpCommand(practiceName, ownerName, NewEmail(), Password);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => Handler<SignUpHandler>().HandleAsync(command, Client, Ct));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignUp_NamesTooLong_Refused()
    {
        var longPractice = new SignUpCommand(new string('p', Practice.MaxNameLength + 1), "Dana Reyes", NewEmail(), Password);
        var longOwner = new SignUpCommand("Riverbend", new string('o', SignUpValidation.MaxOwnerNameLength + 1), NewEmail(), Password);

        await Assert.ThrowsAsync<ValidationFailedException>(() => Handler<SignUpHandler>().HandleAsync(longPractice, Client, Ct));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Handler<SignUpHandler>().HandleAsync(longOwner, Client, Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-email")]
    [InlineData("Dana <dana@example.com>")]
    [InlineData("dana@")]
    public async Task SignUp_InvalidEmail_Refused(string email)
    {
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(
            () => Handler<SignUpHandler>().HandleAsync(new SignUpCommand("Riverbend", "Dana Reyes", email, Password), Client, Ct));

        Assert.Contains("valid email", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignUp_EmailTooLong_Refused()
    {
        var email = new string('a', 64) + "@" + new string('b', 63) + "." + new string('c', 63) + "." + new string('d', 63) + ".com";

        await Assert.ThrowsAsync<ValidationFailedException>(
            () => Handler<SignUpHandler>().HandleAsync(new SignUpCommand("Riverbend", "Dana Reyes", email, Password), Client, Ct));
    }

    [Theory]
    [InlineData("Short1!", "at least 12")]
    [InlineData("alllowercaseletters", "three of")]
    [InlineData("Reyes-Harbor-73!", "name")]
    public async Task SignUp_WeakPassword_NamesTheRule(string password, string expected)
    {
        var email = NewEmail();
        var command = new SignUpCommand("Riverbend", "Dana Reyes", email, password);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => Handler<SignUpHandler>().HandleAsync(command, Client, Ct));

        Assert.Contains(expected, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Null(await Fixture.Get<IUserRepository>().FindByEmailAsync(email, Ct));
    }

    [Fact]
    public async Task SignUp_KeyCreationFails_RemovesTheUserSoTheEmailCanSignUpAgain()
    {
        var email = NewEmail();
        var failing = Handler<SignUpHandler>(new FailingKeyService());

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.HandleAsync(NewSignUp(email), Client, Ct));

        Assert.Null(await Fixture.Get<IUserRepository>().FindByEmailAsync(email, Ct));
        var (again, _) = await SignUpAsync(email);
        Assert.Single(await Fixture.Get<IMembershipRepository>().ListForUserAsync(again.UserId, Ct));
    }

    [Fact]
    public async Task SignUp_MembershipFails_DestroysTheNewKeyAndRemovesTheUser()
    {
        var email = NewEmail();
        var membershipsThatFail = new FailingMembershipRepository();

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => Handler<SignUpHandler>(membershipsThatFail).HandleAsync(NewSignUp(email), Client, Ct));

        Assert.Null(await Fixture.Get<IUserRepository>().FindByEmailAsync(email, Ct));
        var practiceId = Assert.IsType<PracticeId>(membershipsThatFail.AttemptedPractice);
        var key = await Fixture.Get<IPracticeKeyRepository>().GetAsync(practiceId, Ct);
        Assert.True(key!.IsDestroyed);
        Assert.Empty(await Fixture.Get<IAuditStore>().QueryAsync(practiceId, new AuditQuery(), Ct));
    }

    private sealed class FailingMembershipRepository : IMembershipRepository
    {
        public PracticeId? AttemptedPractice { get; private set; }

        public Task AddAsync(PracticeId practiceId, Membership membership, CancellationToken ct)
        {
            AttemptedPractice = practiceId;
            throw new InvalidOperationException("Storage down.");
        }

        public Task<Membership?> GetAsync(PracticeId practiceId, MembershipId membershipId, CancellationToken ct) => throw new NotSupportedException();

        public Task<Membership?> FindByUserAsync(PracticeId practiceId, UserId userId, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<Membership>> ListAsync(PracticeId practiceId, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<Membership>> ListForUserAsync(UserId userId, CancellationToken ct) => throw new NotSupportedException();

        public Task<Membership> UpdateAsync(PracticeId practiceId, Membership membership, CancellationToken ct) => throw new NotSupportedException();

        public Task DeleteAsync(PracticeId practiceId, MembershipId membershipId, long expectedVersion, CancellationToken ct) => throw new NotSupportedException();
    }

    private sealed class FailingKeyService : IPracticeKeyService
    {
        public Task CreateAsync(PracticeId practiceId, CancellationToken ct) => throw new InvalidOperationException("Key service down.");

        public Task DestroyAsync(PracticeId practiceId, CancellationToken ct) => Task.CompletedTask;

        public Task<int> RewrapAllAsync(CancellationToken ct) => Task.FromResult(0);
    }
}
