using System.Security.Cryptography;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using OtpNet;
using Plexura.Core.Clients;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Identity.BeginMfaEnrollment;
using Plexura.Core.Identity.ConfirmMfaEnrollment;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Tests.Components;

/// <summary>Signing in owners and clinicians who may reach client records, and driving MudBlazor inputs by id.</summary>
public abstract class ClientPagesTestBase : AppComponentTestBase
{
    protected static readonly ClientDetails Dana = new("Dana Reyes", new DateOnly(1990, 4, 2), "she/her");

    /// <summary>A new practice whose owner is signed in with a verified email (client records need one), optionally with a second factor.</summary>
    protected async Task<(PracticeId PracticeId, UserId UserId, string Email)> SignInVerifiedOwnerAsync(bool withMfa = false)
    {
        var (signUp, email) = await SignInNewOwnerAsync();
        await VerifyEmailAsync(signUp.UserId);
        if (withMfa)
        {
            var enrollment = await Get<BeginMfaEnrollmentHandler>().HandleAsync(new BeginMfaEnrollmentCommand(), ClientInfo.Unknown, Ct);
            await Get<ConfirmMfaEnrollmentHandler>().HandleAsync(
                new ConfirmMfaEnrollmentCommand(enrollment.Secret, new Totp(Base32Encoding.ToBytes(enrollment.Secret)).ComputeTotp(Time.GetUtcNow().UtcDateTime)),
                ClientInfo.Unknown,
                Ct);
        }

        return (signUp.PracticeId, signUp.UserId, email);
    }

    /// <summary>A clinician (verified email, no second factor) added to the practice straight in storage; not signed in.</summary>
    protected async Task<(MembershipId MembershipId, string Email)> AddClinicianAsync(PracticeId practiceId, string displayName = "Jordan Park")
    {
        var email = $"clinician-{RandomNumberGenerator.GetHexString(12, lowercase: true)}@example.com";
        var now = Time.GetUtcNow();
        var user = new User(UserId.New(), User.NormalizeEmail(email), displayName, await Get<IPasswordHasher>().HashAsync(Password, Ct), now, EmailVerifiedAt: now);
        await Get<IUserRepository>().AddAsync(user, Ct);
        var membership = new Membership(MembershipId.New(), practiceId, user.Id, PracticeRole.Clinician, now);
        await Get<IMembershipRepository>().AddAsync(practiceId, membership, Ct);
        return (membership.Id, email);
    }

    /// <summary>A client created by the signed-in member through the real use case.</summary>
    protected Task<ClientId> CreateClientAsync(ClientDetails details, bool restricted = false, bool part2 = false) =>
        Get<CreateClientHandler>().HandleAsync(new CreateClientCommand(details, restricted, part2), ClientInfo.Unknown, Ct);

    /// <summary>The native input behind a MudBlazor field, whether the id sits on the input or on its wrapper.</summary>
    protected static IElement Input<TComponent>(IRenderedComponent<TComponent> cut, string selector)
        where TComponent : IComponent
    {
        var element = cut.Find(selector);
        return element.TagName is "INPUT" or "SELECT" or "TEXTAREA" ? element : element.QuerySelector("input")!;
    }

    private async Task VerifyEmailAsync(UserId userId)
    {
        var users = Get<IUserRepository>();
        var user = await users.GetAsync(userId, Ct);
        await users.UpdateAsync(user! with { EmailVerifiedAt = Time.GetUtcNow() }, Ct);
    }
}
