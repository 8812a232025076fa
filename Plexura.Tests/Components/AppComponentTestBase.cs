using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OtpNet;
using Plexura.Core;
using Plexura.Core.Identity;
using Plexura.Core.Identity.BeginMfaEnrollment;
using Plexura.Core.Identity.ConfirmMfaEnrollment;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Identity.SignUp;
using Plexura.Infrastructure;
using Plexura.Infrastructure.Persistence;
using Plexura.Tests.Support;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;
using Plexura.Web.Time;

namespace Plexura.Tests.Components;

/// <summary>bUnit with the real Core and Infrastructure on a fresh SQLite file: pages call the real use cases.</summary>
public abstract class AppComponentTestBase : MudComponentTestBase, IAsyncLifetime
{
    protected const string Password = "Violet-Harbor-73!";

    private readonly string _folder = TestConfiguration.NewTempFolder();

    protected AppComponentTestBase()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plexura:Storage:Provider"] = "Sqlite",
            ["Plexura:Storage:SqlitePath"] = Path.Combine(_folder, "plexura.db"),
            ["Plexura:Security:MasterKey"] = TestConfiguration.NewMasterKey(),
            ["Plexura:Auth:SigningKey"] = TestConfiguration.NewSigningKey(),
            ["Plexura:Auth:BcryptWorkFactor"] = "10",
        }).Build();
        Context.Services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        Context.Services.AddSingleton<IConfiguration>(configuration);
        Context.Services.AddPlexuraCore();
        Context.Services.AddPlexuraInfrastructure(configuration, _folder);
        Context.Services.RemoveAll<ICurrentUser>();
        Context.Services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<CurrentUser>());
        Context.Services.AddScoped<ClientContext>();
        Context.Services.AddScoped<RouteRefusalAudit>();
        Context.Services.AddScoped<PracticeClock>();
    }

    protected static CancellationToken Ct => CancellationToken.None;

    protected T Get<T>()
        where T : notnull => Context.Services.GetRequiredService<T>();

    /// <summary>Gives the signed-in account an authenticator (a second factor), as pages for audit readers and owners need.</summary>
    protected async Task EnrollMfaAsync()
    {
        var enrollment = await Get<BeginMfaEnrollmentHandler>().HandleAsync(new BeginMfaEnrollmentCommand(), ClientInfo.Unknown, Ct);
        await Get<ConfirmMfaEnrollmentHandler>().HandleAsync(
            new ConfirmMfaEnrollmentCommand(enrollment.Secret, new Totp(Base32Encoding.ToBytes(enrollment.Secret)).ComputeTotp(Time.GetUtcNow().UtcDateTime)),
            ClientInfo.Unknown,
            Ct);
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await Get<IStorageEngine>().InitializeAsync(Ct);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Signs up a new practice and signs its owner in as the components' current user.</summary>
    protected async Task<(SignUpResult SignUp, string Email)> SignInNewOwnerAsync(string? timeZoneId = null)
    {
        var email = $"owner-{RandomNumberGenerator.GetHexString(12, lowercase: true)}@example.com";
        var signUp = await Get<SignUpHandler>().HandleAsync(
            new SignUpCommand("Riverbend Counseling", "Dana Reyes", email, Password, timeZoneId), ClientInfo.Unknown, Ct);
        await SignInAsync(email);
        return (signUp, email);
    }

    /// <summary>Signs <paramref name="email"/> in with the password and makes them the components' current user.</summary>
    protected async Task SignInAsync(string email)
    {
        var success = Assert.IsType<SignInResult.Success>(
            await Get<SignInHandler>().HandleAsync(new SignInCommand(email, Password), ClientInfo.Unknown, Ct));
        var claims = (await Get<ITokenService>().ValidateAsync(success.Token.Value, Ct)).Claims!;
        Get<CurrentUser>().Set(PlexuraPrincipal.From(claims));
        Authorization.SetAuthorized(email);
    }
}
