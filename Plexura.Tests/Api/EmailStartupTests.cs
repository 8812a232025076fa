using Microsoft.Extensions.Hosting;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary>Without a Resend key mail stays in the outbox; outside Development the app must say so at start.</summary>
public sealed class EmailStartupTests
{
    [Fact]
    public async Task Start_ProductionWithoutResendKey_WarnsThatMailIsNotDelivered()
    {
        await using var factory = new PlexuraWebFactory();

        using var client = factory.CreateClient();

        Assert.Contains(factory.Logs, l => l.Contains("NOT delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_ProductionWithResendKey_DoesNotWarn()
    {
        await using var factory = new PlexuraWebFactory();
        factory.Settings["Plexura:Email:ResendApiKey"] = "re_test_key";

        using var client = factory.CreateClient();

        Assert.DoesNotContain(factory.Logs, l => l.Contains("NOT delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_DevelopmentWithoutResendKey_DoesNotWarn()
    {
        await using var factory = new PlexuraWebFactory { EnvironmentName = Environments.Development };

        using var client = factory.CreateClient();

        Assert.DoesNotContain(factory.Logs, l => l.Contains("NOT delivered", StringComparison.Ordinal));
    }
}
