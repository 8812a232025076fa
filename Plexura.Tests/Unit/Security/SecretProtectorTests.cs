using Microsoft.Extensions.Options;
using Plexura.Core.Security;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Security;
using Plexura.Tests.Support;

namespace Plexura.Tests.Unit.Security;

/// <summary>AES-256-GCM protection of credentials with HKDF subkeys of the master key.</summary>
public sealed class SecretProtectorTests
{
    private const string Purpose = "totp";
    private const string Subject = "0193a1b2-0000-7000-8000-000000000001";
    private const string Secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    private readonly SecurityOptions _options = new() { MasterKey = TestConfiguration.NewMasterKey(), MasterKeyId = "master-1" };

    [Fact]
    public void Protect_ThenUnprotect_RoundTripsAndHidesTheSecret()
    {
        var protector = NewProtector(_options);

        var stored = protector.Protect(Purpose, Subject, Secret);

        Assert.StartsWith("sec1.master-1.", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
        Assert.NotEqual(stored, protector.Protect(Purpose, Subject, Secret));
        Assert.Equal(Secret, protector.Unprotect(Purpose, Subject, stored));
    }

    [Fact]
    public void Unprotect_WithAnotherSubjectOrPurpose_Fails()
    {
        var protector = NewProtector(_options);
        var stored = protector.Protect(Purpose, Subject, Secret);

        Assert.Throws<SecretUnreadableException>(() => protector.Unprotect(Purpose, "0193a1b2-0000-7000-8000-000000000002", stored));
        Assert.Throws<SecretUnreadableException>(() => protector.Unprotect("recovery", Subject, stored));
    }

    [Fact]
    public void Unprotect_TamperedOrMalformed_FailsWithoutLeakingTheSecret()
    {
        var protector = NewProtector(_options);
        var stored = protector.Protect(Purpose, Subject, Secret);
        var prefix = "sec1.master-1.";
        var bytes = Convert.FromBase64String(stored[prefix.Length..]);
        bytes[14] ^= 0x01;

        var ex = Assert.Throws<SecretUnreadableException>(() => protector.Unprotect(Purpose, Subject, prefix + Convert.ToBase64String(bytes)));
        Assert.Throws<SecretUnreadableException>(() => protector.Unprotect(Purpose, Subject, stored.Replace("master-1", "master-2", StringComparison.Ordinal)));
        Assert.Throws<SecretUnreadableException>(() => protector.Unprotect(Purpose, Subject, Secret));
        Assert.Throws<SecretUnreadableException>(() => protector.Unprotect(Purpose, Subject, "sec1.master-1.!!!"));
        Assert.Throws<SecretUnreadableException>(() => protector.Unprotect(Purpose, Subject, "sec1.master-1.AAAA"));
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unprotect_AfterMasterKeyRotation_StillReadsWithThePreviousKey()
    {
        var stored = NewProtector(_options).Protect(Purpose, Subject, Secret);
        var rotated = new SecurityOptions
        {
            MasterKey = TestConfiguration.NewMasterKey(),
            MasterKeyId = "master-2",
            PreviousMasterKeys = { ["master-1"] = _options.MasterKey! },
        };

        var protector = NewProtector(rotated);

        Assert.Equal(Secret, protector.Unprotect(Purpose, Subject, stored));
        Assert.StartsWith("sec1.master-2.", protector.Protect(Purpose, Subject, Secret), StringComparison.Ordinal);
    }

    [Fact]
    public void Unprotect_WhenItsMasterKeyIsGone_Fails()
    {
        var stored = NewProtector(_options).Protect(Purpose, Subject, Secret);

        var other = NewProtector(new SecurityOptions { MasterKey = TestConfiguration.NewMasterKey(), MasterKeyId = "master-2" });

        Assert.Throws<SecretUnreadableException>(() => other.Unprotect(Purpose, Subject, stored));
    }

    private static AesGcmSecretProtector NewProtector(SecurityOptions options) => new(new MasterKeyRing(Options.Create(options)));
}
