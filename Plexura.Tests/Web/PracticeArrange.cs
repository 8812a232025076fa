using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Identity.BeginMfaEnrollment;
using Plexura.Core.Identity.ConfirmMfaEnrollment;
using Plexura.Core.Identity.VerifyEmail;
using Plexura.Core.Invitations.AcceptInvitation;
using Plexura.Core.Invitations.InviteMember;
using Plexura.Core.Memberships;
using Plexura.Web.Security.Authentication;

namespace Plexura.Tests.Web;

/// <summary>One signed-in member of an arranged practice.</summary>
/// <param name="Role">The member's role.</param>
/// <param name="Email">The sign-in email (password <see cref="IdentityArrange.Password"/>).</param>
/// <param name="UserId">The account.</param>
/// <param name="MembershipId">The membership in the practice.</param>
/// <param name="Token">A Bearer token of a session entered into the practice (with the second factor for owner and admin).</param>
/// <param name="HasMfa">Whether the member has a second factor (owner and admin do).</param>
/// <param name="RecoveryCodes">Unused recovery codes of a member with a second factor (empty otherwise); <see cref="PracticeArrange.SignInAsync"/> takes one per sign-in.</param>
public sealed record ArrangedMember(
    PracticeRole Role, string Email, UserId UserId, MembershipId MembershipId, string Token, bool HasMfa, ConcurrentQueue<string> RecoveryCodes);

/// <summary>A practice with one member of every role, each signed in, and one client created by the owner.</summary>
/// <param name="PracticeId">The practice.</param>
/// <param name="Members">One member per role.</param>
/// <param name="ClientId">A client of the practice, created by the owner (so the clinician holds no access to it).</param>
public sealed record Practice(PracticeId PracticeId, IReadOnlyDictionary<PracticeRole, ArrangedMember> Members, ClientId ClientId)
{
    /// <summary>Every role, in the order the members were made.</summary>
    public static readonly IReadOnlyList<PracticeRole> Roles = [PracticeRole.Owner, PracticeRole.Admin, PracticeRole.Clinician, PracticeRole.Compliance];

    public ArrangedMember Owner => Members[PracticeRole.Owner];

    public ArrangedMember Admin => Members[PracticeRole.Admin];

    public ArrangedMember Clinician => Members[PracticeRole.Clinician];

    public ArrangedMember Compliance => Members[PracticeRole.Compliance];

    /// <summary>The Bearer token of the member with <paramref name="role"/>.</summary>
    public string TokenOf(PracticeRole role) => Members[role].Token;
}

/// <summary>
/// Arranges whole practices in a running test app through its own use cases and API: sign-up, email verification,
/// second factor for owner and admin, invitations accepted by an admin, a clinician and a compliance officer, a
/// Bearer token for each, and a client. Built for isolation matrices: every endpoint × role × own/other practice.
/// </summary>
/// <remarks>
/// Use it with a <see cref="PracticeArrangeFactory"/> (fast password hashing, no sign-in rate limit), or set
/// <c>Plexura:Auth:BcryptWorkFactor</c> and <c>Plexura:RateLimits:SignInPerMinute</c> the same way. Second-factor
/// sign-ins use recovery codes, so they never race the TOTP clock.
/// </remarks>
public static class PracticeArrange
{
    private static readonly Uri TokenUri = new("/api/v1/auth/token", UriKind.Relative);
    private static readonly Uri TokenMfaUri = new("/api/v1/auth/token/mfa", UriKind.Relative);
    private static readonly Uri ClientsUri = new("/api/v1/clients", UriKind.Relative);

    /// <summary>Two unrelated practices, A and B, each fully arranged.</summary>
    public static async Task<(Practice A, Practice B)> CreatePairAsync(WebApplicationFactory<Program> factory) =>
        (await CreateAsync(factory, "Practice A"), await CreateAsync(factory, "Practice B"));

    /// <summary>A practice with an owner and admin (both with a second factor), a clinician and a compliance officer, and a client.</summary>
    public static async Task<Practice> CreateAsync(WebApplicationFactory<Program> factory, string label = "Practice")
    {
        ArgumentNullException.ThrowIfNull(factory);
        var services = factory.Services;
        var ownerEmail = IdentityArrange.NewEmail("owner");
        var (_, signUp) = await IdentityArrange.SignUpAsync(services, ownerEmail);
        await using (var scope = services.CreateAsyncScope())
        {
            var token = await MailedTokenAsync(services, ownerEmail, "/account/verify-email");
            await scope.ServiceProvider.GetRequiredService<VerifyEmailHandler>().HandleAsync(new VerifyEmailCommand(token), ClientInfo.Unknown, CancellationToken.None);
        }

        var owner = await EnrolledMemberAsync(factory, PracticeRole.Owner, ownerEmail, signUp.UserId, signUp.MembershipId);
        var members = new Dictionary<PracticeRole, ArrangedMember> { [PracticeRole.Owner] = owner };
        foreach (var role in new[] { PracticeRole.Admin, PracticeRole.Clinician, PracticeRole.Compliance })
        {
            var email = IdentityArrange.NewEmail(role.ToString().ToLowerInvariant());
            await RunAsAsync(services, owner.Token, sp => sp.GetRequiredService<InviteMemberHandler>()
                .HandleAsync(new InviteMemberCommand(email, role), ClientInfo.Unknown, CancellationToken.None));
            var invitation = await MailedTokenAsync(services, email, "/account/accept-invitation");
            AcceptInvitationResult accepted;
            await using (var scope = services.CreateAsyncScope())
            {
                accepted = await scope.ServiceProvider.GetRequiredService<AcceptInvitationHandler>().HandleAsync(
                    new AcceptInvitationCommand(invitation, $"{label} {role}", IdentityArrange.Password), ClientInfo.Unknown, CancellationToken.None);
            }

            members[role] = role == PracticeRole.Admin
                ? await EnrolledMemberAsync(factory, role, email, accepted.UserId, accepted.MembershipId)
                : new ArrangedMember(role, email, accepted.UserId, accepted.MembershipId, await PasswordTokenAsync(factory, email), HasMfa: false, new ConcurrentQueue<string>());
        }

        var practice = new Practice(signUp.PracticeId, members, default);
        return practice with { ClientId = await CreateClientAsync(factory, practice, PracticeRole.Owner) };
    }

    /// <summary>An HTTP client of the app that sends <paramref name="token"/> as its Bearer token.</summary>
    public static HttpClient ApiClient(WebApplicationFactory<Program> factory, string token)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>An HTTP client signed in as the practice's member with <paramref name="role"/>.</summary>
    public static HttpClient ApiClient(WebApplicationFactory<Program> factory, Practice practice, PracticeRole role)
    {
        ArgumentNullException.ThrowIfNull(practice);
        return ApiClient(factory, practice.TokenOf(role));
    }

    /// <summary>Adds a client through <c>POST /api/v1/clients</c> as the member with <paramref name="role"/>; returns its id.</summary>
    public static async Task<ClientId> CreateClientAsync(
        WebApplicationFactory<Program> factory, Practice practice, PracticeRole role = PracticeRole.Owner, string name = "Jordan Avery Lee")
    {
        using var client = ApiClient(factory, practice, role);
        var response = await client.PostAsJsonAsync(ClientsUri, new { name, dateOfBirth = "1988-04-12", pronouns = "they/them" });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating a client as {role} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return ClientId.Parse((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, null);
    }

    /// <summary>A fresh Bearer token for the member (after a role change revoked their sessions), using a recovery code when they have a second factor.</summary>
    public static async Task<string> SignInAsync(WebApplicationFactory<Program> factory, ArrangedMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (!member.HasMfa)
        {
            return await PasswordTokenAsync(factory, member.Email);
        }

        return member.RecoveryCodes.TryDequeue(out var code)
            ? await MfaTokenAsync(factory, member.Email, code)
            : throw new InvalidOperationException("The member's recovery codes are used up.");
    }

    /// <summary>The member with a second factor enrolled, signed in again with it (for a compliance officer who reads the audit log).</summary>
    public static Task<ArrangedMember> WithSecondFactorAsync(WebApplicationFactory<Program> factory, ArrangedMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return member.HasMfa ? Task.FromResult(member) : EnrolledMemberAsync(factory, member.Role, member.Email, member.UserId, member.MembershipId);
    }

    /// <summary>Runs Core use cases as the signed-in user of <paramref name="token"/>, in a scope of their own (for arranging through Core, not HTTP).</summary>
    public static async Task RunAsAsync(IServiceProvider services, string token, Func<IServiceProvider, Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        await using var scope = services.CreateAsyncScope();
        var validation = await scope.ServiceProvider.GetRequiredService<ITokenService>().ValidateAsync(token, CancellationToken.None);
        var claims = validation.Claims ?? throw new InvalidOperationException($"The token is not valid: {validation.Failure}.");
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(PlexuraPrincipal.From(claims));
        await action(scope.ServiceProvider);
    }

    /// <summary>Enrolls the second factor with a password session, then signs in with it (a recovery code).</summary>
    private static async Task<ArrangedMember> EnrolledMemberAsync(
        WebApplicationFactory<Program> factory, PracticeRole role, string email, UserId userId, MembershipId membershipId)
    {
        var passwordToken = await PasswordTokenAsync(factory, email);
        IReadOnlyList<string> codes = [];
        await RunAsAsync(factory.Services, passwordToken, async sp =>
        {
            var enrollment = await sp.GetRequiredService<BeginMfaEnrollmentHandler>().HandleAsync(new BeginMfaEnrollmentCommand(), ClientInfo.Unknown, CancellationToken.None);
            var code = new Totp(Base32Encoding.ToBytes(enrollment.Secret)).ComputeTotp(DateTime.UtcNow);
            codes = (await sp.GetRequiredService<ConfirmMfaEnrollmentHandler>()
                .HandleAsync(new ConfirmMfaEnrollmentCommand(enrollment.Secret, code), ClientInfo.Unknown, CancellationToken.None)).RecoveryCodes;
        });
        var queue = new ConcurrentQueue<string>(codes);
        queue.TryDequeue(out var first);
        return new ArrangedMember(role, email, userId, membershipId, await MfaTokenAsync(factory, email, first!), HasMfa: true, queue);
    }

    private static async Task<string> PasswordTokenAsync(WebApplicationFactory<Program> factory, string email)
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync(TokenUri, new { email, password = IdentityArrange.Password });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Signing in answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task<string> MfaTokenAsync(WebApplicationFactory<Program> factory, string email, string code)
    {
        using var client = factory.CreateClient();
        var first = await client.PostAsJsonAsync(TokenUri, new { email, password = IdentityArrange.Password });
        var challenge = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("challenge").GetString();
        var second = await client.PostAsJsonAsync(TokenMfaUri, new { challenge, code });
        if (second.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The second factor answered {(int)second.StatusCode}: {await second.Content.ReadAsStringAsync()}");
        }

        return (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>The <c>token</c> of the newest link to <paramref name="path"/> mailed to <paramref name="email"/> (development outbox).</summary>
    private static async Task<string> MailedTokenAsync(IServiceProvider services, string email, string path)
    {
        var outbox = await services.GetRequiredService<IOutboxRepository>().ListNewestAsync(1000, CancellationToken.None);
        var mail = outbox.First(m => string.Equals(m.To, email, StringComparison.OrdinalIgnoreCase) && m.TextBody.Contains(path, StringComparison.Ordinal));
        var token = Regex.Match(mail.TextBody, Regex.Escape(path) + @"\?token=([^\s&]+)").Groups[1].Value;
        return Uri.UnescapeDataString(token);
    }
}

/// <summary>A test app ready for <see cref="PracticeArrange"/>: fast password hashing and no sign-in or sign-up rate limit.</summary>
/// <remarks>
/// <see cref="SharedPairAsync"/> arranges practices A and B once per factory (per test class): use them for requests
/// that change nothing visible to other tests, and <see cref="PracticeArrange.CreateAsync"/> for tests that change roles,
/// archive or transfer ownership.
/// </remarks>
public class PracticeArrangeFactory : PlexuraWebFactory
{
    private readonly Lazy<Task<(Practice A, Practice B)>> _pair;

    public PracticeArrangeFactory()
    {
        Settings["Plexura:Auth:BcryptWorkFactor"] = "10";
        Settings["Plexura:RateLimits:SignInPerMinute"] = "100000";
        Settings["Plexura:RateLimits:SignUpPerHour"] = "100000";
        Settings["Plexura:RateLimits:PasswordResetPer15Minutes"] = "100000";
        _pair = new Lazy<Task<(Practice A, Practice B)>>(() => PracticeArrange.CreatePairAsync(this));
    }

    /// <summary>Practices A and B, arranged on first use and shared by the tests of this factory.</summary>
    public Task<(Practice A, Practice B)> SharedPairAsync() => _pair.Value;
}
