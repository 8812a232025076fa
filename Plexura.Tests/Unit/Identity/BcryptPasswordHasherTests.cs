using Microsoft.Extensions.Options;
using Plexura.Core.Identity;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Identity;

namespace Plexura.Tests.Unit.Identity;

public sealed class BcryptPasswordHasherTests
{
    /// <summary>The lowest bcrypt cost, so tests stay fast; the production range (10-16) is enforced by the options validator.</summary>
    private const int FastWorkFactor = 4;

    private const string Password = "Tr0ub4dor&Zk";

    private static readonly CancellationToken Ct = CancellationToken.None;

    private static BcryptPasswordHasher NewHasher(int workFactor = FastWorkFactor)
    {
        var options = Options.Create(new AuthOptions { BcryptWorkFactor = workFactor });
        return new(options, new PasswordHashingLimiter(options));
    }

    [Fact]
    public async Task HashAsync_ThenVerifyAsync_Succeeds()
    {
        var hasher = NewHasher();

        var hash = await hasher.HashAsync(Password, Ct);

        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync(Password, hash, Ct));
        Assert.Matches(@"^\$2[ab]\$04\$", hash);
    }

    [Fact]
    public void Hash_SamePasswordTwice_DiffersBySalt()
    {
        var hasher = NewHasher();

        Assert.NotEqual(hasher.Hash(Password), hasher.Hash(Password));
    }

    [Theory]
    [InlineData("Tr0ub4dor&ZK")]
    [InlineData("")]
    [InlineData("Tr0ub4dor&Zk ")]
    public void Verify_WrongPassword_Fails(string attempt)
    {
        var hasher = NewHasher();

        Assert.Equal(PasswordVerification.Failed, hasher.Verify(attempt, hasher.Hash(Password)));
    }

    [Fact]
    public void Verify_HashWithLowerWorkFactor_SucceedsAndNeedsRehash()
    {
        var oldHash = NewHasher(FastWorkFactor).Hash(Password);

        var result = NewHasher(FastWorkFactor + 1).Verify(Password, oldHash);

        Assert.Equal(PasswordVerification.SuccessNeedsRehash, result);
    }

    [Fact]
    public void Verify_HashWithHigherWorkFactor_NeedsNoRehash()
    {
        var hash = NewHasher(FastWorkFactor + 1).Hash(Password);

        Assert.Equal(PasswordVerification.Success, NewHasher(FastWorkFactor).Verify(Password, hash));
    }

    [Fact]
    public void Verify_WrongPasswordAgainstOldHash_FailsWithoutRehash()
    {
        var oldHash = NewHasher(FastWorkFactor).Hash(Password);

        Assert.Equal(PasswordVerification.Failed, NewHasher(FastWorkFactor + 1).Verify("wrong", oldHash));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a hash")]
    [InlineData("$2a$04$short")]
    [InlineData("$9z$04$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234")]
    public void Verify_UnreadableHash_FailsWithoutThrowing(string hash)
    {
        Assert.Equal(PasswordVerification.Failed, NewHasher().Verify(Password, hash));
    }

    [Theory]
    [InlineData(FastWorkFactor)]
    [InlineData(10)]
    [InlineData(16)]
    public void DummyVerify_UsesAWellFormedHashAtTheConfiguredWorkFactor(int workFactor)
    {
        var hasher = NewHasher(workFactor);

        var info = BCrypt.Net.BCrypt.InterrogateHash(hasher.DummyHash);

        Assert.Equal(workFactor.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), info.WorkFactor);
        Assert.False(BCrypt.Net.BCrypt.PasswordNeedsRehash(hasher.DummyHash, workFactor));
    }

    [Fact]
    public async Task DummyVerifyAsync_Called_RunsWithoutThrowingAndMatchesNothing()
    {
        var hasher = NewHasher();

        await hasher.DummyVerifyAsync(Ct);
        Assert.Equal(PasswordVerification.Failed, hasher.Verify("not the password", hasher.DummyHash));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify(string.Empty, hasher.DummyHash));
    }

    [Fact]
    public void Hash_AtTheDefaultWorkFactor_IsStandardBcryptThatVerifies()
    {
        var hasher = NewHasher(AuthOptions.DefaultBcryptWorkFactor);

        var hash = hasher.Hash(Password);

        Assert.Matches(@"^\$2[ab]\$12\$[./A-Za-z0-9]{53}$", hash);
        Assert.True(BCrypt.Net.BCrypt.Verify(Password, hash));
        Assert.Equal(PasswordVerification.Success, hasher.Verify(Password, hash));
    }
}
