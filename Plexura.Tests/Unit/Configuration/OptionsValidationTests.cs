using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plexura.Infrastructure;
using Plexura.Infrastructure.Configuration;
using Plexura.Tests.Support;

namespace Plexura.Tests.Unit.Configuration;

/// <summary>Missing or malformed settings stop the app with a message that names the setting.</summary>
public sealed class OptionsValidationTests
{
    public static TheoryData<string, string?, string> BadSettings() => new()
    {
        { "Plexura:Storage:Provider", "Postgres", "Plexura:Storage:Provider" },
        { "Plexura:Storage:Provider", "7", "Plexura:Storage:Provider" },
        { "Plexura:Storage:SqlitePath", " ", "Plexura:Storage:SqlitePath" },
        { "Plexura:Storage:KeyVaultPath", " ", "Plexura:Storage:KeyVaultPath" },
        { "Plexura:Storage:KeyVaultPath", "data/plexura.db", "Plexura:Storage:KeyVaultPath" },
        { "Plexura:Storage:KeyVaultPath", "data/../data/plexura.db", "Plexura:Storage:KeyVaultPath" },
        { "Plexura:Security:MasterKey", null, "Plexura:Security:MasterKey" },
        { "Plexura:Security:MasterKey", "not base64!", "Plexura:Security:MasterKey" },
        { "Plexura:Security:MasterKey", Convert.ToBase64String(new byte[16]), "Plexura:Security:MasterKey" },
        { "Plexura:Security:MasterKeyId", "", "Plexura:Security:MasterKeyId" },
        { "Plexura:Security:PreviousMasterKeys:old", "short", "Plexura:Security:PreviousMasterKeys:old" },
        { "Plexura:OpenAI:Endpoint", "not a url", "Endpoint" },
        { "Plexura:Email:ResendBaseUrl", "nope", "ResendBaseUrl" },
        { "Plexura:Auth:SigningKey", null, "Plexura:Auth:SigningKey" },
        { "Plexura:Auth:SigningKey", "not base64!", "Plexura:Auth:SigningKey" },
        { "Plexura:Auth:SigningKey", Convert.ToBase64String(new byte[31]), "Plexura:Auth:SigningKey" },
        { "Plexura:Auth:Issuer", " ", "Plexura:Auth:Issuer" },
        { "Plexura:Auth:Audience", "", "Plexura:Auth:Audience" },
        { "Plexura:Auth:BcryptWorkFactor", "9", "Plexura:Auth:BcryptWorkFactor" },
        { "Plexura:Auth:BcryptWorkFactor", "17", "Plexura:Auth:BcryptWorkFactor" },
        { "Plexura:App:BaseUrl", "plexura.example.com", "Plexura:App:BaseUrl" },
        { "Plexura:App:BaseUrl", "ftp://plexura.example.com", "Plexura:App:BaseUrl" },
        { "Plexura:App:BaseUrl", "https://plexura.example.com/?x=1", "Plexura:App:BaseUrl" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Validate_BadSetting_FailsNamingIt(string key, string? value, string named)
    {
        var settings = ValidSettings();
        settings[key] = value;

        var ex = Assert.Throws<OptionsValidationException>(() => ValidateAll(settings));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Plexura:Storage:MongoKeyVaultDatabase", " ", "Plexura:Storage:MongoKeyVaultDatabase")]
    [InlineData("Plexura:Storage:MongoKeyVaultDatabase", "plexura", "Plexura:Storage:MongoKeyVaultDatabase")]
    [InlineData("Plexura:Storage:MongoKeyVaultConnectionString", "keys.example.com", "Plexura:Storage:MongoKeyVaultConnectionString")]
    [InlineData("Plexura:Storage:MongoKeyVaultConnectionString", "", "Plexura:Storage:MongoKeyVaultConnectionString")]
    public void Validate_MongoBadKeyVaultSetting_FailsNamingIt(string key, string value, string named)
    {
        var settings = ValidSettings();
        settings["Plexura:Storage:Provider"] = "Mongo";
        settings["Plexura:Storage:MongoConnectionString"] = "mongodb://127.0.0.1:1";
        settings[key] = value;

        var ex = Assert.Throws<OptionsValidationException>(() => ValidateAll(settings));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MongoKeyVaultOnItsOwnCluster_MayKeepTheMainDatabaseName()
    {
        var settings = ValidSettings();
        settings["Plexura:Storage:Provider"] = "Mongo";
        settings["Plexura:Storage:MongoConnectionString"] = "mongodb://127.0.0.1:1";
        settings["Plexura:Storage:MongoKeyVaultConnectionString"] = "mongodb+srv://keys.example.com";
        settings["Plexura:Storage:MongoKeyVaultDatabase"] = "plexura";

        ValidateAll(settings);
    }

    [Theory]
    [InlineData("data/plexura.db", "data/plexura-keys.db")]
    [InlineData("/var/lib/plexura/main.sqlite", "/var/lib/plexura/main-keys.sqlite")]
    [InlineData("plexura.db", "plexura-keys.db")]
    public void KeyVaultPath_Unset_IsNextToTheMainFile(string sqlitePath, string expected)
    {
        var options = new StorageOptions { SqlitePath = sqlitePath };

        Assert.Equal(expected.Replace('/', Path.DirectorySeparatorChar), options.ResolvedKeyVaultPath.Replace('/', Path.DirectorySeparatorChar));
        Assert.Equal("plexura_keys", options.ResolvedMongoKeyVaultDatabase);
    }

    [Fact]
    public void Validate_MongoWithoutConnectionString_FailsNamingIt()
    {
        var settings = ValidSettings();
        settings["Plexura:Storage:Provider"] = "Mongo";

        var ex = Assert.Throws<OptionsValidationException>(() => ValidateAll(settings));

        Assert.Contains("Plexura:Storage:MongoConnectionString", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MongoWithMalformedConnectionString_FailsNamingIt()
    {
        var settings = ValidSettings();
        settings["Plexura:Storage:Provider"] = "mongo";
        settings["Plexura:Storage:MongoConnectionString"] = "http://db.example.com";

        var ex = Assert.Throws<OptionsValidationException>(() => ValidateAll(settings));

        Assert.Contains("Plexura:Storage:MongoConnectionString", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ValidSettings_Passes()
    {
        ValidateAll(ValidSettings());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(16)]
    public void Validate_BcryptWorkFactorAtTheBounds_Passes(int workFactor)
    {
        var settings = ValidSettings();
        settings["Plexura:Auth:BcryptWorkFactor"] = workFactor.ToString(System.Globalization.CultureInfo.InvariantCulture);

        ValidateAll(settings);
    }

    [Fact]
    public void DevelopmentSigningKey_Missing_IsGeneratedOnceBesideTheMasterKeyAndReused()
    {
        var folder = TestConfiguration.NewTempFolder();
        try
        {
            var first = NewManager(folder);
            var file = DevelopmentSigningKey.EnsureConfigured(first, folder, NullLogger.Instance);
            var second = NewManager(folder);
            DevelopmentSigningKey.EnsureConfigured(second, folder, NullLogger.Instance);

            Assert.Equal(Path.Combine(folder, "data", "development-signing.key"), file);
            Assert.Equal(first["Plexura:Auth:SigningKey"], second["Plexura:Auth:SigningKey"]);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file!));
            }

            var settings = ValidSettings();
            settings["Plexura:Auth:SigningKey"] = first["Plexura:Auth:SigningKey"];
            ValidateAll(settings);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void DevelopmentSigningKey_Configured_IsLeftAlone()
    {
        var manager = new ConfigurationManager();
        var key = TestConfiguration.NewSigningKey();
        manager["Plexura:Auth:SigningKey"] = key;

        Assert.Null(DevelopmentSigningKey.EnsureConfigured(manager, "/nonexistent", NullLogger.Instance));
        Assert.Equal(key, manager["Plexura:Auth:SigningKey"]);
    }

    [Fact]
    public void DevelopmentMasterKey_Missing_IsGeneratedOnceAndReused()
    {
        var folder = TestConfiguration.NewTempFolder();
        try
        {
            var first = NewManager(folder);
            var file = DevelopmentMasterKey.EnsureConfigured(first, folder, NullLogger.Instance);
            var second = NewManager(folder);
            DevelopmentMasterKey.EnsureConfigured(second, folder, NullLogger.Instance);

            Assert.Equal(Path.Combine(folder, "data", "development-master.key"), file);
            Assert.Equal(first["Plexura:Security:MasterKey"], second["Plexura:Security:MasterKey"]);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file!));
            }

            var settings = ValidSettings();
            settings["Plexura:Security:MasterKey"] = first["Plexura:Security:MasterKey"];
            ValidateAll(settings);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void DevelopmentMasterKey_Configured_IsLeftAlone()
    {
        var manager = new ConfigurationManager();
        var key = TestConfiguration.NewMasterKey();
        manager["Plexura:Security:MasterKey"] = key;

        Assert.Null(DevelopmentMasterKey.EnsureConfigured(manager, "/nonexistent", NullLogger.Instance));
        Assert.Equal(key, manager["Plexura:Security:MasterKey"]);
    }

    private static ConfigurationManager NewManager(string folder)
    {
        var manager = new ConfigurationManager();
        manager["Plexura:Storage:SqlitePath"] = Path.Combine(folder, "data", "plexura.db");
        return manager;
    }

    private static Dictionary<string, string?> ValidSettings() => new()
    {
        ["Plexura:Storage:Provider"] = "Sqlite",
        ["Plexura:Storage:SqlitePath"] = "data/plexura.db",
        ["Plexura:Security:MasterKey"] = TestConfiguration.NewMasterKey(),
        ["Plexura:Auth:SigningKey"] = TestConfiguration.NewSigningKey(),
    };

    private static void ValidateAll(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddPlexuraInfrastructure(configuration, Path.GetTempPath()).BuildServiceProvider();
        _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        _ = services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        _ = services.GetRequiredService<IOptions<OpenAiOptions>>().Value;
        _ = services.GetRequiredService<IOptions<EmailOptions>>().Value;
        _ = services.GetRequiredService<IOptions<BillingOptions>>().Value;
        _ = services.GetRequiredService<IOptions<AuthOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Core.Common.AppOptions>>().Value;
    }
}
