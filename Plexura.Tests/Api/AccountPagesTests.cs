using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Email;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Users;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary>The server-rendered account forms, posted as a browser posts them.</summary>
public sealed class AccountPagesTests(AccountPagesTests.Factory factory) : IClassFixture<AccountPagesTests.Factory>
{
    [Fact]
    public async Task SignIn_RightPassword_SetsAStrictHttpOnlySecureHostCookieAndRedirectsToTheReturnPath()
    {
        var (email, _) = await IdentityArrange.SignUpAsync(factory.Services);
        var client = Browser();

        var response = await BrowserForm.SubmitAsync(client, "/account/sign-in?returnUrl=%2Fdev%2Fnothing", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = IdentityArrange.Password,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("https://localhost/dev/nothing", response.Headers.Location?.AbsoluteUri);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-plexura=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example")]
    public async Task SignIn_ForeignReturnUrl_GoesHomeInstead(string returnUrl)
    {
        var (email, _) = await IdentityArrange.SignUpAsync(factory.Services);

        var response = await BrowserForm.SubmitAsync(Browser(), $"/account/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = IdentityArrange.Password,
        });

        Assert.Equal("https://localhost/", response.Headers.Location?.AbsoluteUri);
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsTheOneMessageAndSetsNoCookie()
    {
        var (email, _) = await IdentityArrange.SignUpAsync(factory.Services);

        var response = await BrowserForm.SubmitAsync(Browser(), "/account/sign-in", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "Wrong-Password-99!",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("__Host-plexura=", StringComparison.Ordinal)));
        Assert.Equal("The email or password is not correct.", BrowserForm.TextOf(await response.Content.ReadAsStringAsync(), "form-error"));
    }

    [Fact]
    public async Task SignIn_EmptyForm_ShowsFieldMessagesNot500()
    {
        var response = await BrowserForm.SubmitAsync(Browser(), "/account/sign-in", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Enter your email.", html, StringComparison.Ordinal);
        Assert.Contains("Enter your password.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_PostWithoutAntiforgeryToken_IsRefused()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "sign-in", ["Input.Email"] = "a@b.c", ["Input.Password"] = "x" });

        var response = await Browser().PostAsync(new Uri("/account/sign-in", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SignIn_OversizedForm_Is413()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = new('a', 100_000) });

        var response = await Browser().PostAsync(new Uri("/account/sign-in", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task SignUp_ValidForm_CreatesThePracticeSignsInAndEmailsAVerificationLink()
    {
        var email = IdentityArrange.NewEmail();
        var client = Browser();

        var response = await BrowserForm.SubmitAsync(client, "/account/sign-up", new Dictionary<string, string>
        {
            ["Input.PracticeName"] = "Harbor Family Therapy",
            ["Input.OwnerName"] = "Sam Okafor",
            ["Input.Email"] = email,
            ["Input.Password"] = IdentityArrange.Password,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-plexura=", StringComparison.Ordinal));
        var mail = (await factory.Services.GetRequiredService<IOutboxRepository>().ListNewestAsync(100, CancellationToken.None)).First(m => m.To == email);
        Assert.Contains("/account/verify-email?token=", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(IdentityArrange.Password, mail.TextBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("America/New_York", "America/New_York")]
    [InlineData("Not/A_Zone", "UTC")]
    [InlineData("", "UTC")]
    public async Task SignUp_BrowserTimeZone_StartsThePracticeInItOrInUtcWhenUnusable(string browserZone, string expected)
    {
        var email = IdentityArrange.NewEmail();

        var response = await BrowserForm.SubmitAsync(Browser(), "/account/sign-up", new Dictionary<string, string>
        {
            ["Input.PracticeName"] = "Harbor Family Therapy",
            ["Input.OwnerName"] = "Sam Okafor",
            ["Input.Email"] = email,
            ["Input.Password"] = IdentityArrange.Password,
            ["Input.TimeZone"] = browserZone,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var user = await factory.Services.GetRequiredService<IUserRepository>().FindByEmailAsync(email, CancellationToken.None);
        var membership = Assert.Single(await factory.Services.GetRequiredService<IMembershipRepository>().ListForUserAsync(user!.Id, CancellationToken.None));
        var practice = await factory.Services.GetRequiredService<IPracticeRepository>().GetAsync(membership.PracticeId, CancellationToken.None);
        Assert.Equal(expected, practice!.TimeZoneId);
    }

    [Fact]
    public async Task SignUp_Page_CarriesTheTimeZoneFieldAndItsScript()
    {
        var html = await (await Browser().GetAsync("/account/sign-up")).Content.ReadAsStringAsync();

        Assert.Contains("data-plx-time-zone", html, StringComparison.Ordinal);
        Assert.Contains("name=\"Input.TimeZone\"", html, StringComparison.Ordinal);
        Assert.Matches("<script type=\"module\" src=\"js/time-zone[^\"]*[.]js\"", html);
    }

    [Fact]
    public async Task SignUp_WeakPassword_SaysWhichRuleAndCreatesNothing()
    {
        var email = IdentityArrange.NewEmail();

        var response = await BrowserForm.SubmitAsync(Browser(), "/account/sign-up", new Dictionary<string, string>
        {
            ["Input.PracticeName"] = "Harbor Family Therapy",
            ["Input.OwnerName"] = "Sam Okafor",
            ["Input.Email"] = email,
            ["Input.Password"] = "short",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("at least 12", BrowserForm.TextOf(await response.Content.ReadAsStringAsync(), "form-error"), StringComparison.Ordinal);
        Assert.Null(await factory.Services.GetRequiredService<IUserRepository>().FindByEmailAsync(email, CancellationToken.None));
    }

    [Fact]
    public async Task VerifyEmail_LinkFromTheEmail_VerifiesOnceOnly()
    {
        var (email, _) = await IdentityArrange.SignUpAsync(factory.Services);
        var mail = (await factory.Services.GetRequiredService<IOutboxRepository>().ListNewestAsync(100, CancellationToken.None)).First(m => m.To == email);
        var link = new Uri(System.Text.RegularExpressions.Regex.Match(mail.TextBody, @"https?://\S+").Value);
        var path = link.PathAndQuery;

        var first = await BrowserForm.SubmitAsync(Browser(), path, new Dictionary<string, string>());
        var second = await BrowserForm.SubmitAsync(Browser(), path, new Dictionary<string, string>());

        Assert.NotNull(BrowserForm.TextOf(await first.Content.ReadAsStringAsync(), "form-info"));
        Assert.Contains("not valid or has already been used", BrowserForm.TextOf(await second.Content.ReadAsStringAsync(), "form-error"), StringComparison.Ordinal);
        var user = await factory.Services.GetRequiredService<IUserRepository>().FindByEmailAsync(email, CancellationToken.None);
        Assert.True(user!.IsEmailVerified);
    }

    [Fact]
    public async Task DevelopmentOutbox_OutsideDevelopment_Is404()
    {
        var response = await Browser().GetAsync(new Uri("/dev/outbox", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"),
        AllowAutoRedirect = false,
        HandleCookies = true,
    });

    public sealed class Factory : PlexuraWebFactory
    {
        public Factory()
        {
            Settings["Plexura:Auth:BcryptWorkFactor"] = "10";
            Settings["Plexura:RateLimits:SignInPerMinute"] = "1000";
            Settings["Plexura:RateLimits:SignUpPerHour"] = "1000";
            Settings["Plexura:RateLimits:PasswordResetPer15Minutes"] = "1000";
        }
    }
}
