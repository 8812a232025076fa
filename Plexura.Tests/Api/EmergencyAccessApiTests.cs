using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance.EmergencyReview;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Practices.ChangeSettings;
using Plexura.Tests.Web;
using static Plexura.Tests.Web.SessionArrange;

namespace Plexura.Tests.Api;

/// <summary>
/// Break-glass over the API: <c>POST /api/v1/clients/{id}/emergency-access</c> by designated and undesignated members,
/// and the review (<c>GET /api/v1/compliance/emergency-accesses</c>, <c>POST …/{id}/acknowledge</c>) by owners,
/// compliance staff and clinicians, across practices.
/// </summary>
public sealed class EmergencyAccessApiTests(EmergencyAccessApiTests.Fixture factory) : IClassFixture<EmergencyAccessApiTests.Fixture>
{
    private const string ListPath = "/api/v1/compliance/emergency-accesses";

    [Fact]
    public async Task DesignatedClinician_Declares_ThenViewsTheClient_AuditedAndOwnersEmailedWithoutPhi()
    {
        var d = await factory.DesignatedAsync();
        var clientId = await PracticeArrange.CreateClientAsync(factory, d, name: "Harper Quill Emergency");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(factory, HttpMethod.Get, ClientPath(clientId), d.Clinician.Token)).StatusCode);

        var declared = await SendAsync(factory, HttpMethod.Post, DeclarePath(clientId), d.Clinician.Token, new { reason = "Client called in crisis; their clinician is away." });

        Assert.Equal(HttpStatusCode.OK, declared.StatusCode);
        var body = await JsonAsync(declared);
        var accessId = EmergencyAccessId.Parse(body.GetProperty("id").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(clientId.ToString(), body.GetProperty("clientId").GetString());
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(50));
        var view = await SendAsync(factory, HttpMethod.Get, ClientPath(clientId), d.Clinician.Token);
        Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        Assert.Equal("Harper Quill Emergency", (await JsonAsync(view)).GetProperty("name").GetString());

        var events = await EventsAsync(d.PracticeId, AuditAction.EmergencyAccess);
        Assert.Contains(events, e => e.ActorUserId == d.Clinician.UserId && e.Result == AuditResult.Success && e.Details.GetValueOrDefault("phase") == "declared" && e.TargetId == accessId.ToString());
        Assert.Contains(events, e => e.ActorUserId == d.Clinician.UserId && e.Result == AuditResult.Success && e.Details.GetValueOrDefault("phase") == "view" && e.ClientId == clientId.ToString());
        Assert.DoesNotContain(events, e => e.Details.Values.Any(v => v.Contains("crisis", StringComparison.Ordinal)));
        var mails = (await OutboxAsync()).Where(m => m.Kind == "emergency-access" && m.IdempotencyKey.Contains(accessId.ToString(), StringComparison.Ordinal)).ToList();
        var mail = Assert.Single(mails);
        Assert.Equal(d.Owner.Email, mail.To, ignoreCase: true);
        Assert.Contains(DeclareEmergencyAccessHandler.ReviewPath, mail.TextBody, StringComparison.Ordinal);
        foreach (var phi in new[] { "Harper", "Quill", "crisis", clientId.ToString() })
        {
            Assert.DoesNotContain(phi, mail.TextBody + mail.HtmlBody + mail.Subject, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task EmptyReason_Is400ProblemDetails_AndNothingIsStored(string reason)
    {
        var d = await factory.DesignatedAsync();
        var clientId = await PracticeArrange.CreateClientAsync(factory, d);

        var response = await SendAsync(factory, HttpMethod.Post, DeclarePath(clientId), d.Clinician.Token, new { reason });

        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Equal(EmergencyAccessMessages.ReasonMissingMessage, (await JsonAsync(response)).GetProperty("detail").GetString());
        Assert.DoesNotContain(await AccessesAsync(d.PracticeId), a => a.ClientId == clientId);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(factory, HttpMethod.Get, ClientPath(clientId), d.Clinician.Token)).StatusCode);
    }

    [Fact]
    public async Task UndesignatedClinician_Is403_AuditedDenied_AndNothingIsStored()
    {
        var (a, _) = await factory.SharedPairAsync();

        var response = await SendAsync(factory, HttpMethod.Post, DeclarePath(a.ClientId), a.Clinician.Token, new { reason = "Urgent call." });

        Assert.Equal((HttpStatusCode.Forbidden, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Equal(EmergencyAccessMessages.NotDesignatedMessage, (await JsonAsync(response)).GetProperty("detail").GetString());
        Assert.Contains(
            await EventsAsync(a.PracticeId, AuditAction.EmergencyAccess),
            e => e.ActorUserId == a.Clinician.UserId && e.Result == AuditResult.Denied && e.Details.GetValueOrDefault("reason") == "not-designated" && e.ClientId == a.ClientId.ToString());
        Assert.Empty(await AccessesAsync(a.PracticeId));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(factory, HttpMethod.Get, ClientPath(a.ClientId), a.Clinician.Token)).StatusCode);
    }

    [Fact]
    public async Task AnotherPracticesClient_Is404_AuditedAsUnknown_AndNothingIsStored()
    {
        var d = await factory.DesignatedAsync();
        var (_, b) = await factory.SharedPairAsync();

        var response = await SendAsync(factory, HttpMethod.Post, DeclarePath(b.ClientId), d.Clinician.Token, new { reason = "Urgent call." });
        var random = await SendAsync(factory, HttpMethod.Post, DeclarePath(ClientId.New()), d.Clinician.Token, new { reason = "Urgent call." });

        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Equal(HttpStatusCode.NotFound, random.StatusCode);
        Assert.Contains(
            await EventsAsync(d.PracticeId, AuditAction.EmergencyAccess),
            e => e.ActorUserId == d.Clinician.UserId && e.Result == AuditResult.Denied && e.Details.GetValueOrDefault("reason") == "unknown-client" && e.ClientId == b.ClientId.ToString());
        Assert.DoesNotContain(await AccessesAsync(d.PracticeId), x => x.ClientId == b.ClientId);
        Assert.Empty(await AccessesAsync(b.PracticeId));
        Assert.DoesNotContain(await EventsAsync(b.PracticeId, AuditAction.EmergencyAccess), e => e.ActorUserId == d.Clinician.UserId);
    }

    [Fact]
    public async Task List_OwnerAndComplianceWithSecondFactor_200WithTheReason_ClinicianAndComplianceWithoutSecondFactor403()
    {
        var d = await factory.DesignatedAsync();
        var accessId = await DeclareAsync(d, "Listed reason: on-call crisis line.");

        var owner = await SendAsync(factory, HttpMethod.Get, ListPath, d.Owner.Token);
        var compliance = await SendAsync(factory, HttpMethod.Get, ListPath, await factory.ComplianceMfaTokenAsync());
        var (a, _) = await factory.SharedPairAsync();
        var compliancePassword = await SendAsync(factory, HttpMethod.Get, ListPath, a.Compliance.Token);
        var clinician = await SendAsync(factory, HttpMethod.Get, ListPath, d.Clinician.Token);

        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.Equal(HttpStatusCode.OK, compliance.StatusCode);
        foreach (var list in new[] { await JsonAsync(owner), await JsonAsync(compliance) })
        {
            var item = Assert.Single(list.EnumerateArray(), i => i.GetProperty("id").GetString() == accessId.ToString());
            Assert.Equal("Listed reason: on-call crisis line.", item.GetProperty("reason").GetString());
            Assert.Equal(d.Clinician.UserId.ToString(), item.GetProperty("declaredBy").GetString());
        }

        Assert.Equal(HttpStatusCode.Forbidden, compliancePassword.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, clinician.StatusCode);
        var viewed = await EventsAsync(d.PracticeId, AuditAction.AuditLogViewed);
        Assert.Contains(viewed, e => e.ActorUserId == d.Owner.UserId && e.TargetType == ListEmergencyAccessesHandler.TargetType && e.Result == AuditResult.Success);
        Assert.Contains(viewed, e => e.ActorUserId == d.Compliance.UserId && e.TargetType == ListEmergencyAccessesHandler.TargetType && e.Result == AuditResult.Success);
        Assert.Contains(
            await EventsAsync(d.PracticeId, AuditAction.AccessRefused),
            e => e.ActorUserId == d.Clinician.UserId && e.Result == AuditResult.Denied && e.TargetId == $"GET {ListPath}");
    }

    [Fact]
    public async Task Acknowledge_ByOwner_Once_SecondIsRefusedClearly_AndAudited()
    {
        var d = await factory.DesignatedAsync();
        var accessId = await DeclareAsync(d, "Acknowledged once.");

        var first = await SendAsync(factory, HttpMethod.Post, AcknowledgePath(accessId), d.Owner.Token, new { note = "Reviewed with the clinician." });
        var reviewed = await AccessAsync(d.PracticeId, accessId);
        var second = await SendAsync(factory, HttpMethod.Post, AcknowledgePath(accessId), d.Owner.Token, new { note = "Again." });

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(d.Owner.UserId, reviewed.ReviewedBy);
        Assert.NotNull(reviewed.ReviewedAt);
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (second.StatusCode, second.Content.Headers.ContentType?.MediaType));
        Assert.Equal(AcknowledgeEmergencyAccessHandler.AlreadyAcknowledgedMessage, (await JsonAsync(second)).GetProperty("detail").GetString());
        Assert.Equal(reviewed, await AccessAsync(d.PracticeId, accessId));
        var events = (await EventsAsync(d.PracticeId, AuditAction.EmergencyAccessReviewed)).Where(e => e.TargetId == accessId.ToString()).ToList();
        Assert.Contains(events, e => e.Result == AuditResult.Success && e.Details.GetValueOrDefault("note") == "given" && e.ActorUserId == d.Owner.UserId);
        Assert.Contains(events, e => e.Result == AuditResult.Failed && e.Details.GetValueOrDefault("reason") == "already-acknowledged");
        Assert.DoesNotContain(events, e => e.Details.Values.Any(v => v.Contains("Reviewed with", StringComparison.Ordinal)));
        var listed = Assert.Single((await JsonAsync(await SendAsync(factory, HttpMethod.Get, ListPath, d.Owner.Token))).EnumerateArray(), i => i.GetProperty("id").GetString() == accessId.ToString());
        Assert.Equal("Reviewed with the clinician.", listed.GetProperty("reviewNote").GetString());
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("reviewedAt").ValueKind);
    }

    [Fact]
    public async Task Acknowledge_ForgedIds_AnotherPracticesOrRandom_Are404_AuditedDenied_AndChangeNothing()
    {
        var d = await factory.DesignatedAsync();
        var (a, _) = await factory.SharedPairAsync();
        var accessId = await DeclareAsync(d, "Not for practice A.");

        var forged = await SendAsync(factory, HttpMethod.Post, AcknowledgePath(accessId), a.Owner.Token, new { note = "forged" });
        var random = await SendAsync(factory, HttpMethod.Post, AcknowledgePath(EmergencyAccessId.New()), a.Owner.Token, new { });

        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (forged.StatusCode, forged.Content.Headers.ContentType?.MediaType));
        Assert.Equal(HttpStatusCode.NotFound, random.StatusCode);
        var access = await AccessAsync(d.PracticeId, accessId);
        Assert.Null(access.ReviewedAt);
        Assert.Null(access.ReviewNoteCiphertext);
        Assert.Contains(
            await EventsAsync(a.PracticeId, AuditAction.EmergencyAccessReviewed),
            e => e.ActorUserId == a.Owner.UserId && e.Result == AuditResult.Denied && e.TargetId == accessId.ToString() && e.Details.GetValueOrDefault("reason") == "unknown-emergency-access");
        Assert.DoesNotContain(await EventsAsync(d.PracticeId, AuditAction.EmergencyAccessReviewed), e => e.TargetId == accessId.ToString());
    }

    [Fact]
    public async Task Acknowledge_ByClinicianOrComplianceWithoutSecondFactor_Is403_AndChangesNothing()
    {
        var d = await factory.DesignatedAsync();
        var accessId = await DeclareAsync(d, "Clinician cannot review.");

        var clinician = await SendAsync(factory, HttpMethod.Post, AcknowledgePath(accessId), d.Clinician.Token, new { });
        var (a, _) = await factory.SharedPairAsync();
        var compliance = await SendAsync(factory, HttpMethod.Post, AcknowledgePath(accessId), a.Compliance.Token, new { });

        Assert.Equal(HttpStatusCode.Forbidden, clinician.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, compliance.StatusCode);
        Assert.Null((await AccessAsync(d.PracticeId, accessId)).ReviewedAt);
        Assert.Contains(
            await EventsAsync(d.PracticeId, AuditAction.AccessRefused),
            e => e.ActorUserId == d.Clinician.UserId && e.Result == AuditResult.Denied && e.TargetId == "POST " + ListPath + "/{id:guid}/acknowledge");
    }

    [Fact]
    public async Task Anonymous_Is401()
    {
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(ListPath)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync(DeclarePath(ClientId.New()), new { reason = "x" })).StatusCode);
    }

    private static string ClientPath(ClientId id) => $"/api/v1/clients/{id}";

    private static string DeclarePath(ClientId id) => $"/api/v1/clients/{id}/emergency-access";

    private static string AcknowledgePath(EmergencyAccessId id) => $"{ListPath}/{id}/acknowledge";

    /// <summary>Declares an emergency on a new client of the designated practice; returns the access.</summary>
    private async Task<EmergencyAccessId> DeclareAsync(Practice d, string reason)
    {
        var clientId = await PracticeArrange.CreateClientAsync(factory, d);
        var response = await SendAsync(factory, HttpMethod.Post, DeclarePath(clientId), d.Clinician.Token, new { reason });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return EmergencyAccessId.Parse((await JsonAsync(response)).GetProperty("id").GetString()!, CultureInfo.InvariantCulture);
    }

    private async Task<IReadOnlyList<AuditEvent>> EventsAsync(PracticeId practiceId, AuditAction? action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Action: action, Limit: 500), CancellationToken.None);
    }

    private async Task<IReadOnlyList<EmergencyAccess>> AccessesAsync(PracticeId practiceId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IEmergencyAccessRepository>().ListAsync(practiceId, 500, CancellationToken.None);
    }

    private async Task<EmergencyAccess> AccessAsync(PracticeId practiceId, EmergencyAccessId id)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IEmergencyAccessRepository>().GetAsync(practiceId, id, CancellationToken.None)
            ?? throw new InvalidOperationException("The access is not stored.");
    }

    private async Task<IReadOnlyList<OutboxMessage>> OutboxAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOutboxRepository>().ListNewestAsync(1000, CancellationToken.None);
    }

    /// <summary>The shared pair (nobody designated) and a practice "D" whose clinician the owner designated for emergency access.</summary>
    public sealed class Fixture : PracticeArrangeFactory
    {
        private readonly Lazy<Task<Practice>> _designated;
        private readonly Lazy<Task<string>> _complianceMfaToken;

        public Fixture()
        {
            _designated = new Lazy<Task<Practice>>(ArrangeDesignatedAsync);
            _complianceMfaToken = new Lazy<Task<string>>(async () => await ComplianceArrange.EnrollAndSignInAsync(this, (await DesignatedAsync()).Compliance));
        }

        /// <summary>Practice D: its clinician is designated for emergency access through the settings use case.</summary>
        public Task<Practice> DesignatedAsync() => _designated.Value;

        /// <summary>A Bearer token of D's compliance officer after enrolling a second factor (once) and signing in with it.</summary>
        public Task<string> ComplianceMfaTokenAsync() => _complianceMfaToken.Value;

        private async Task<Practice> ArrangeDesignatedAsync()
        {
            var d = await PracticeArrange.CreateAsync(this, "Practice D");
            await PracticeArrange.RunAsAsync(Services, d.Owner.Token, sp => sp.GetRequiredService<SetEmergencyAccessMembersHandler>()
                .HandleAsync(new SetEmergencyAccessMembersCommand([d.Clinician.UserId]), ClientInfo.Unknown, CancellationToken.None));
            return d;
        }
    }
}
