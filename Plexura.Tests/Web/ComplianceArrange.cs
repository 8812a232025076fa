using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Plexura.Core.Identity;
using Plexura.Core.Identity.BeginMfaEnrollment;
using Plexura.Core.Identity.ConfirmMfaEnrollment;

namespace Plexura.Tests.Web;

/// <summary>Gives an arranged member without a second factor (a compliance officer, a clinician) one, as compliance pages require.</summary>
public static class ComplianceArrange
{
    /// <summary>Enrolls a second factor for <paramref name="member"/> through the real use cases; returns its recovery codes.</summary>
    public static async Task<IReadOnlyList<string>> EnrollSecondFactorAsync(WebApplicationFactory<Program> factory, ArrangedMember member)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(member);
        IReadOnlyList<string> codes = [];
        await PracticeArrange.RunAsAsync(factory.Services, member.Token, async sp =>
        {
            var enrollment = await sp.GetRequiredService<BeginMfaEnrollmentHandler>().HandleAsync(new BeginMfaEnrollmentCommand(), ClientInfo.Unknown, CancellationToken.None);
            var code = new Totp(Base32Encoding.ToBytes(enrollment.Secret)).ComputeTotp(DateTime.UtcNow);
            codes = (await sp.GetRequiredService<ConfirmMfaEnrollmentHandler>()
                .HandleAsync(new ConfirmMfaEnrollmentCommand(enrollment.Secret, code), ClientInfo.Unknown, CancellationToken.None)).RecoveryCodes;
        });
        return codes;
    }

    /// <summary>Enrolls a second factor for <paramref name="member"/>, then signs in with it (a recovery code); returns the Bearer token.</summary>
    public static async Task<string> EnrollAndSignInAsync(WebApplicationFactory<Program> factory, ArrangedMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var codes = await EnrollSecondFactorAsync(factory, member);
        using var client = factory.CreateClient();
        var first = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = member.Email, password = IdentityArrange.Password });
        var challenge = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("challenge").GetString();
        var second = await client.PostAsJsonAsync("/api/v1/auth/token/mfa", new { challenge, code = codes[0] });
        if (second.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The second factor answered {(int)second.StatusCode}: {await second.Content.ReadAsStringAsync()}");
        }

        return (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }
}
