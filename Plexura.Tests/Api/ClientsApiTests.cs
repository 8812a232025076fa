using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Memberships;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary>The clients, consent, client-access and member endpoints over HTTP, as each role and across practices.</summary>
public sealed class ClientsApiTests(ClientsApiTests.Factory factory) : IClassFixture<ClientsApiTests.Factory>
{
    private const string Clients = "/api/v1/clients";
    private static readonly string FutureExpiry = DateTimeOffset.UtcNow.AddYears(1).ToString("O");

    // ---- happy paths ----

    [Fact]
    public async Task Create_Owner_Is201WithLocationAndTheClientReadsBack()
    {
        var (a, _) = await factory.SharedPairAsync();

        var created = await SendAsync(HttpMethod.Post, Clients, a.Owner.Token, new { name = "Morgan Ellis", dateOfBirth = "1979-02-03", externalRecordNumber = "EHR-1" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var read = await SendAsync(HttpMethod.Get, created.Headers.Location!.OriginalString, a.Owner.Token);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"{Clients}/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("no-store", read.Headers.CacheControl?.ToString());
        Assert.Equal("\"0\"", read.Headers.ETag?.ToString());
        var body = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Morgan Ellis", body.GetProperty("name").GetString());
        Assert.Equal("1979-02-03", body.GetProperty("dateOfBirth").GetString());
        Assert.Equal("EHR-1", body.GetProperty("externalRecordNumber").GetString());
        Assert.False(body.GetProperty("isArchived").GetBoolean());
    }

    [Fact]
    public async Task Search_QueryInBody_FindsOnlyThisPracticesClients()
    {
        var (a, b) = await factory.SharedPairAsync();
        var surname = "Quillfeather" + Guid.NewGuid().ToString("N")[..6];
        var mine = await PracticeArrange.CreateClientAsync(factory, a, PracticeRole.Owner, $"Robin {surname}");
        await PracticeArrange.CreateClientAsync(factory, b, PracticeRole.Owner, $"Robin {surname}");

        var response = await SendAsync(HttpMethod.Post, $"{Clients}/search", a.Owner.Token, new { query = surname[..8] });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var hits = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        Assert.Equal(mine.ToString(), Assert.Single(hits).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Update_WithIfMatch_ChangesTheClientAndStaleVersionIs409()
    {
        var (a, _) = await factory.SharedPairAsync();
        var id = await PracticeArrange.CreateClientAsync(factory, a);
        var update = new { name = "Jordan Lee", dateOfBirth = "1988-04-12", isRestricted = true, isPart2 = false };

        var first = await SendAsync(HttpMethod.Put, $"{Clients}/{id}", a.Owner.Token, update, ifMatch: "\"0\"");
        var stale = await SendAsync(HttpMethod.Put, $"{Clients}/{id}", a.Owner.Token, update with { name = "Someone Else" }, ifMatch: "\"0\"");
        var noVersion = await SendAsync(HttpMethod.Put, $"{Clients}/{id}", a.Owner.Token, update);
        var read = await (await SendAsync(HttpMethod.Get, $"{Clients}/{id}", a.Owner.Token)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.PreconditionRequired, noVersion.StatusCode);
        Assert.Equal("Jordan Lee", read.GetProperty("name").GetString());
        Assert.True(read.GetProperty("isRestricted").GetBoolean());
        Assert.Equal(1, read.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Update_VersionInBody_Is204()
    {
        var (a, _) = await factory.SharedPairAsync();
        var id = await PracticeArrange.CreateClientAsync(factory, a);

        var response = await SendAsync(
            HttpMethod.Put, $"{Clients}/{id}", a.Admin.Token, new { name = "Jordan Lee", dateOfBirth = "1988-04-12", isRestricted = false, isPart2 = true, version = 0 });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Archive_Owner_Is204AndTheClientReadsArchivedAndIsNoLongerEditable()
    {
        var (a, _) = await factory.SharedPairAsync();
        var id = await PracticeArrange.CreateClientAsync(factory, a);

        var archived = await SendAsync(HttpMethod.Post, $"{Clients}/{id}/archive", a.Owner.Token);
        var read = await (await SendAsync(HttpMethod.Get, $"{Clients}/{id}", a.Owner.Token)).Content.ReadFromJsonAsync<JsonElement>();
        var edit = await SendAsync(HttpMethod.Put, $"{Clients}/{id}", a.Owner.Token, new { name = "X Y", dateOfBirth = "1988-04-12", isRestricted = false, isPart2 = false, version = 1 });

        Assert.Equal(HttpStatusCode.NoContent, archived.StatusCode);
        Assert.True(read.GetProperty("isArchived").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, edit.StatusCode);
    }

    [Fact]
    public async Task RecordAndRevokeConsent_Owner_Is201Then204AndASecondRevokeIs400()
    {
        var (a, _) = await factory.SharedPairAsync();
        var id = await PracticeArrange.CreateClientAsync(factory, a);

        var recorded = await SendAsync(HttpMethod.Post, $"{Clients}/{id}/consents", a.Owner.Token, new
        {
            kind = "Part2Disclosure",
            method = "Written",
            effectiveFrom = DateTimeOffset.UtcNow.AddMinutes(-1),
            expiresAt = FutureExpiry,
            recipient = "County clinic",
            purpose = "Care coordination",
        });
        var consentId = (await recorded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var revoked = await SendAsync(HttpMethod.Post, $"{Clients}/{id}/consents/{consentId}/revoke", a.Owner.Token, new { reason = "Client asked" });
        var again = await SendAsync(HttpMethod.Post, $"{Clients}/{id}/consents/{consentId}/revoke", a.Owner.Token);

        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        var stored = Assert.Single(await ConsentsAsync(a, id));
        Assert.True(stored.IsRevoked);
        Assert.Equal(ConsentKind.Part2Disclosure, stored.Kind);
    }

    [Fact]
    public async Task GrantAccess_ViewForTheClinician_LetsThemOpenTheClientAndRevokeTakesItBack()
    {
        var (a, _) = await factory.SharedPairAsync();
        var id = await PracticeArrange.CreateClientAsync(factory, a);
        var access = $"{Clients}/{id}/access/{a.Clinician.MembershipId}";

        var before = await SendAsync(HttpMethod.Get, $"{Clients}/{id}", a.Clinician.Token);
        var grant = await SendAsync(HttpMethod.Put, access, a.Admin.Token, new { view = true, edit = false, push = false, export = false });
        var during = await SendAsync(HttpMethod.Get, $"{Clients}/{id}", a.Clinician.Token);
        var list = await SendAsync(HttpMethod.Get, $"{Clients}/{id}/access", a.Owner.Token);
        var revoke = await SendAsync(HttpMethod.Delete, access, a.Owner.Token);
        var after = await SendAsync(HttpMethod.Get, $"{Clients}/{id}", a.Clinician.Token);

        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        Assert.True((await grant.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("permissions").GetProperty("view").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        var seen = (await during.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("permissions");
        Assert.Equal((true, false, false, false), (seen.GetProperty("view").GetBoolean(), seen.GetProperty("edit").GetBoolean(), seen.GetProperty("push").GetBoolean(), seen.GetProperty("export").GetBoolean()));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var entries = (await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        Assert.Equal(4, entries.Count);
        var clinician = entries.Single(e => e.GetProperty("membershipId").GetString() == a.Clinician.MembershipId.ToString());
        Assert.Equal("Clinician", clinician.GetProperty("role").GetString());
        Assert.Contains("grant", clinician.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }

    [Fact]
    public async Task SetScope_AllClientsWithView_LetsTheClinicianOpenEveryClient()
    {
        var p = await PracticeArrange.CreateAsync(factory);

        var set = await SendAsync(HttpMethod.Put, $"/api/v1/members/{p.Clinician.MembershipId}/scope", p.Owner.Token,
            new { scope = "AllClients", allClientsPermissions = new { view = true, edit = false, push = false, export = false } });
        var read = await SendAsync(HttpMethod.Get, $"{Clients}/{p.ClientId}", p.Clinician.Token);

        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task ChangeRole_OwnerMakesTheClinicianCompliance_Is204AndEndsTheirSessions()
    {
        var p = await PracticeArrange.CreateAsync(factory);

        var response = await SendAsync(HttpMethod.Put, $"/api/v1/members/{p.Clinician.MembershipId}/role", p.Owner.Token, new { role = "Compliance" });
        var oldToken = await SendAsync(HttpMethod.Get, "/api/v1/me", p.Clinician.Token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(PracticeRole.Compliance, (await MembershipAsync(p, p.Clinician.MembershipId))!.Role);
        Assert.Equal(HttpStatusCode.Unauthorized, oldToken.StatusCode);
    }

    [Fact]
    public async Task RemoveMember_Owner_Is204AndTheMembershipIsGone()
    {
        var p = await PracticeArrange.CreateAsync(factory);

        var response = await SendAsync(HttpMethod.Delete, $"/api/v1/members/{p.Compliance.MembershipId}", p.Owner.Token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(await MembershipAsync(p, p.Compliance.MembershipId));
    }

    [Fact]
    public async Task TransferOwnership_ToTheAdmin_MakesThemOwnerAndTheOwnerAdmin()
    {
        var p = await PracticeArrange.CreateAsync(factory);

        var response = await SendAsync(HttpMethod.Post, "/api/v1/practice/ownership-transfer", p.Owner.Token, new { newOwnerMembershipId = p.Admin.MembershipId });
        var newOwnerToken = await PracticeArrange.SignInAsync(factory, p.Admin);
        var asNewOwner = await SendAsync(HttpMethod.Get, $"{Clients}/{p.ClientId}/access", newOwnerToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(PracticeRole.Owner, (await MembershipAsync(p, p.Admin.MembershipId))!.Role);
        Assert.Equal(PracticeRole.Admin, (await MembershipAsync(p, p.Owner.MembershipId))!.Role);
        Assert.Equal(HttpStatusCode.OK, asNewOwner.StatusCode);
    }

    // ---- isolation and refusals ----

    [Fact]
    public async Task OtherPracticesClient_GetPutArchiveConsentAccess_Are404AndChangeNothing()
    {
        var (a, b) = await factory.SharedPairAsync();
        var other = await PracticeArrange.CreateClientAsync(factory, b, PracticeRole.Owner, "Casey Morgan");
        var path = $"{Clients}/{other}";
        var bGrant = await SendAsync(HttpMethod.Put, $"{path}/access/{b.Clinician.MembershipId}", b.Owner.Token, new { view = true, edit = false, push = false, export = false });
        Assert.Equal(HttpStatusCode.OK, bGrant.StatusCode);

        var responses = new[]
        {
            await SendAsync(HttpMethod.Get, path, a.Owner.Token),
            await SendAsync(HttpMethod.Put, path, a.Owner.Token, new { name = "Overwritten", dateOfBirth = "1990-01-01", isRestricted = false, isPart2 = false, version = 0 }),
            await SendAsync(HttpMethod.Post, $"{path}/archive", a.Owner.Token),
            await SendAsync(HttpMethod.Post, $"{path}/consents", a.Owner.Token, new { kind = "Recording", method = "Verbal", effectiveFrom = DateTimeOffset.UtcNow }),
            await SendAsync(HttpMethod.Get, $"{path}/access", a.Owner.Token),
            await SendAsync(HttpMethod.Put, $"{path}/access/{a.Clinician.MembershipId}", a.Owner.Token, new { view = true, edit = true, push = false, export = false }),
            await SendAsync(HttpMethod.Put, $"{path}/access/{b.Clinician.MembershipId}", a.Owner.Token, new { view = true, edit = true, push = true, export = true }),
            await SendAsync(HttpMethod.Delete, $"{path}/access/{b.Clinician.MembershipId}", a.Owner.Token),
            await SendAsync(HttpMethod.Delete, $"{path}/access/{a.Clinician.MembershipId}", a.Owner.Token),
        };

        Assert.All(responses, r =>
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        });
        var asOwner = await (await SendAsync(HttpMethod.Get, path, b.Owner.Token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Casey Morgan", asOwner.GetProperty("name").GetString());
        Assert.Equal(0, asOwner.GetProperty("version").GetInt64());
        Assert.False(asOwner.GetProperty("isArchived").GetBoolean());
        Assert.Empty(await ConsentsAsync(b, other));
        var kept = Assert.Single(await GrantsAsync(b, other));
        Assert.Equal((b.Clinician.MembershipId, new ClientPermissions(true, false, false, false), 0L), (kept.MembershipId, kept.ToPermissions(), kept.Version));
        Assert.Empty(await GrantsAsync(a, other));
    }

    [Fact]
    public async Task OtherPracticesConsent_RevokeThroughOwnClient_Is404AndLeavesItActive()
    {
        var (a, b) = await factory.SharedPairAsync();
        var recorded = await SendAsync(HttpMethod.Post, $"{Clients}/{b.ClientId}/consents", b.Owner.Token,
            new { kind = "AiProcessing", method = "Electronic", effectiveFrom = DateTimeOffset.UtcNow.AddMinutes(-1) });
        var consentId = (await recorded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var response = await SendAsync(HttpMethod.Post, $"{Clients}/{a.ClientId}/consents/{consentId}/revoke", a.Owner.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(await ConsentsAsync(b, b.ClientId), c => c.IsRevoked);
    }

    [Fact]
    public async Task Get_ClinicianWithoutGrant_Is403AndAuditedAsDenied()
    {
        var (a, _) = await factory.SharedPairAsync();

        var response = await SendAsync(HttpMethod.Get, $"{Clients}/{a.ClientId}", a.Clinician.Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var denied = await factory.Services.GetRequiredService<IAuditStore>().QueryAsync(
            a.PracticeId, new AuditQuery(ActorUserId: a.Clinician.UserId, ClientId: a.ClientId.ToString(), Result: AuditResult.Denied), CancellationToken.None);
        var entry = Assert.Single(denied, e => e.Action == AuditAction.PhiViewed);
        Assert.Equal("not-granted", entry.Details["reason"]);
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("PUT", "")]
    [InlineData("POST", "/archive")]
    [InlineData("POST", "/consents")]
    [InlineData("POST", "search")]
    [InlineData("POST", "create")]
    public async Task ClientData_Compliance_Is403(string method, string suffix)
    {
        var (a, _) = await factory.SharedPairAsync();
        (string Path, object? Body) target = suffix switch
        {
            "search" => ($"{Clients}/search", new { query = "Jordan" }),
            "create" => (Clients, new { name = "New Client", dateOfBirth = "1990-01-01" }),
            "" when method == "PUT" => ($"{Clients}/{a.ClientId}", new { name = "X Y", dateOfBirth = "1990-01-01", isRestricted = false, isPart2 = false, version = 0 }),
            "/consents" => ($"{Clients}/{a.ClientId}/consents", new { kind = "Recording", method = "Verbal", effectiveFrom = DateTimeOffset.UtcNow }),
            _ => ($"{Clients}/{a.ClientId}{suffix}", null),
        };

        var before = await RefusalsAsync(a, a.Compliance);

        var response = await SendAsync(new HttpMethod(method), target.Path, a.Compliance.Token, target.Body);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var refusal = Assert.Single(await RefusalsAsync(a, a.Compliance), e => !before.Any(b => b.Id == e.Id));
        Assert.StartsWith($"{method} /api/v1/clients", refusal.TargetId, StringComparison.Ordinal);
        Assert.DoesNotContain(a.ClientId.ToString(), refusal.TargetId, StringComparison.Ordinal);
        Assert.Equal(("endpoint", "policy"), (refusal.TargetType, refusal.Details["reason"]));
    }

    [Fact]
    public async Task RouteRefusal_TokenClaimingAnotherEmail_AuditsTheStoredUsersEmail()
    {
        var (a, _) = await factory.SharedPairAsync();
        // A session of the compliance officer (ending a minute after the token) and a token under the real key claiming another email.
        var session = Core.Identity.UserSession.Start(a.Compliance.UserId, a.PracticeId, DateTimeOffset.UtcNow.AddMinutes(1), null, null);
        await factory.Services.GetRequiredService<Core.Identity.ISessionRepository>().AddAsync(session, CancellationToken.None);
        var claimed = factory.Services.GetRequiredService<Core.Identity.ITokenService>().Issue(
            new Core.Identity.TokenSubject(a.Compliance.UserId, "someone-else@example.com", session.Id, a.PracticeId, PracticeRole.Compliance));
        var before = await RefusalsAsync(a, a.Compliance);

        var response = await SendAsync(HttpMethod.Post, $"{Clients}/search", claimed.Value, new { query = "Jordan" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var refusal = Assert.Single(await RefusalsAsync(a, a.Compliance), e => !before.Any(b => b.Id == e.Id));
        Assert.Equal(a.Compliance.Email, refusal.ActorEmail);
    }

    /// <summary>The route refusals audited for <paramref name="member"/> in the practice.</summary>
    private async Task<IReadOnlyList<AuditEvent>> RefusalsAsync(Practice practice, ArrangedMember member) =>
        await factory.Services.GetRequiredService<IAuditStore>().QueryAsync(
            practice.PracticeId, new AuditQuery(Action: AuditAction.AccessRefused, ActorUserId: member.UserId, Result: AuditResult.Denied, Limit: 1000), CancellationToken.None);

    [Fact]
    public async Task ChangeRole_Clinician_Is403AndTheRoleIsUnchanged()
    {
        var (a, _) = await factory.SharedPairAsync();

        var response = await SendAsync(HttpMethod.Put, $"/api/v1/members/{a.Compliance.MembershipId}/role", a.Clinician.Token, new { role = "Admin" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(PracticeRole.Compliance, (await MembershipAsync(a, a.Compliance.MembershipId))!.Role);
    }

    [Fact]
    public async Task ChangeRole_AdminMakesSomeoneAdmin_Is403AuditedAndUnchanged()
    {
        var (a, _) = await factory.SharedPairAsync();

        var response = await SendAsync(HttpMethod.Put, $"/api/v1/members/{a.Compliance.MembershipId}/role", a.Admin.Token, new { role = "Admin" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(PracticeRole.Compliance, (await MembershipAsync(a, a.Compliance.MembershipId))!.Role);
        var denied = await factory.Services.GetRequiredService<IAuditStore>().QueryAsync(
            a.PracticeId, new AuditQuery(Action: AuditAction.PermissionChanged, ActorUserId: a.Admin.UserId, Result: AuditResult.Denied), CancellationToken.None);
        Assert.Contains(denied, e => e.TargetId == a.Compliance.MembershipId.ToString());
    }

    [Fact]
    public async Task MemberEndpoints_AnotherPracticesMembership_Are404AndChangeNothing()
    {
        var (a, b) = await factory.SharedPairAsync();
        var target = b.Clinician.MembershipId;

        var responses = new[]
        {
            await SendAsync(HttpMethod.Put, $"/api/v1/members/{target}/role", a.Owner.Token, new { role = "Compliance" }),
            await SendAsync(HttpMethod.Put, $"/api/v1/members/{target}/scope", a.Owner.Token, new { scope = "AllClients", allClientsPermissions = new { view = true, edit = true, push = true, export = true } }),
            await SendAsync(HttpMethod.Delete, $"/api/v1/members/{target}", a.Owner.Token),
            await SendAsync(HttpMethod.Post, "/api/v1/practice/ownership-transfer", a.Owner.Token, new { newOwnerMembershipId = b.Admin.MembershipId }),
        };

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        var stored = await MembershipAsync(b, target);
        Assert.Equal(PracticeRole.Clinician, stored!.Role);
        Assert.Equal(ClientScope.GrantedOnly, stored.ClientScope);
        Assert.Equal(PracticeRole.Admin, (await MembershipAsync(b, b.Admin.MembershipId))!.Role);
    }

    [Fact]
    public async Task GrantAccess_OnAnotherPracticesClient_Is404AndStoresNothing()
    {
        var (a, b) = await factory.SharedPairAsync();

        var response = await SendAsync(HttpMethod.Put, $"{Clients}/{b.ClientId}/access/{a.Clinician.MembershipId}", a.Owner.Token,
            new { view = true, edit = true, push = true, export = true });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await GrantsAsync(a, b.ClientId));
        Assert.Empty(await GrantsAsync(b, b.ClientId));
    }

    [Fact]
    public async Task GrantAccess_ToAnotherPracticesMember_Is404AndStoresNothing()
    {
        var (a, b) = await factory.SharedPairAsync();

        var response = await SendAsync(HttpMethod.Put, $"{Clients}/{a.ClientId}/access/{b.Clinician.MembershipId}", a.Owner.Token,
            new { view = true, edit = true, push = true, export = true });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(await GrantsAsync(a, a.ClientId), g => g.MembershipId == b.Clinician.MembershipId);
        Assert.Empty(await GrantsAsync(b, a.ClientId));
    }

    [Fact]
    public async Task GrantAccess_Clinician_Is403()
    {
        var (a, _) = await factory.SharedPairAsync();

        var response = await SendAsync(HttpMethod.Put, $"{Clients}/{a.ClientId}/access/{a.Clinician.MembershipId}", a.Clinician.Token,
            new { view = true, edit = true, push = true, export = true });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(await GrantsAsync(a, a.ClientId), g => g.MembershipId == a.Clinician.MembershipId);
    }

    [Fact]
    public async Task RecordConsent_ExpiryInThePast_Is400AndStoresNothing()
    {
        var (a, _) = await factory.SharedPairAsync();
        var id = await PracticeArrange.CreateClientAsync(factory, a);

        var response = await SendAsync(HttpMethod.Post, $"{Clients}/{id}/consents", a.Owner.Token, new
        {
            kind = "Recording",
            method = "Verbal",
            effectiveFrom = DateTimeOffset.UtcNow.AddDays(-10),
            expiresAt = DateTimeOffset.UtcNow.AddDays(-1),
            notes = "Discussed at intake with Jordan",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Jordan", text, StringComparison.Ordinal);
        Assert.Empty(await ConsentsAsync(a, id));
    }

    [Fact]
    public async Task Create_OverLongName_Is400WithoutTheNameAndStoresNothing()
    {
        var (a, _) = await factory.SharedPairAsync();
        var name = "Zebulon" + new string('q', ClientValidation.NameMaxLength);
        var before = await ClientCountAsync(a);

        var response = await SendAsync(HttpMethod.Post, Clients, a.Owner.Token, new { name, dateOfBirth = "1990-01-01" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Zebulon", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await ClientCountAsync(a));
    }

    [Theory]
    [InlineData("Dana\u202EsereyR")]
    [InlineData("Dana\u200BReyes")]
    [InlineData("\uFEFFDana Reyes")]
    [InlineData("Dana\u0000Reyes")]
    public async Task Create_NameWithInvisibleOrControlCharacter_Is400NamingTheFieldAndStoresNothing(string name)
    {
        var (a, _) = await factory.SharedPairAsync();
        var before = await ClientCountAsync(a);

        var response = await SendAsync(HttpMethod.Post, Clients, a.Owner.Token, new { name, dateOfBirth = "1990-01-01" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("The client's name contains invisible or control characters", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await ClientCountAsync(a));
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z", null, null)]
    [InlineData("9999-12-31T00:00:00Z", null, null)]
    [InlineData(null, "9999-12-31T00:00:00Z", null)]
    [InlineData(null, null, "Signed\u0000form")]
    public async Task RecordConsent_ImplausibleDateOrNulInNotes_Is400AndStoresNothing(string? effectiveFrom, string? expiresAt, string? notes)
    {
        var (a, _) = await factory.SharedPairAsync();
        var id = await PracticeArrange.CreateClientAsync(factory, a);

        var response = await SendAsync(HttpMethod.Post, $"{Clients}/{id}/consents", a.Owner.Token, new
        {
            kind = "Recording",
            method = "Verbal",
            effectiveFrom = effectiveFrom is null ? DateTimeOffset.UtcNow : DateTimeOffset.Parse(effectiveFrom, System.Globalization.CultureInfo.InvariantCulture),
            expiresAt = expiresAt is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(expiresAt, System.Globalization.CultureInfo.InvariantCulture),
            notes,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains(notes is null ? "consent's" : "The notes", detail, StringComparison.Ordinal);
        Assert.Empty(await ConsentsAsync(a, id));
    }

    [Theory]
    [InlineData("POST", Clients + "/search")]
    [InlineData("POST", Clients)]
    [InlineData("GET", Clients + "/{client}")]
    [InlineData("PUT", Clients + "/{client}")]
    [InlineData("POST", Clients + "/{client}/archive")]
    [InlineData("POST", Clients + "/{client}/consents")]
    [InlineData("GET", Clients + "/{client}/access")]
    [InlineData("PUT", Clients + "/{client}/access/{member}")]
    [InlineData("DELETE", Clients + "/{client}/access/{member}")]
    [InlineData("PUT", "/api/v1/members/{member}/role")]
    [InlineData("DELETE", "/api/v1/members/{member}")]
    [InlineData("PUT", "/api/v1/members/{member}/scope")]
    [InlineData("POST", "/api/v1/practice/ownership-transfer")]
    public async Task Endpoint_Unsigned_Is401Problem(string method, string route)
    {
        var path = route.Replace("{client}", Guid.NewGuid().ToString(), StringComparison.Ordinal).Replace("{member}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) };

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("GET", Clients + "/not-a-client-id")]
    [InlineData("PUT", Clients + "/1234")]
    [InlineData("POST", Clients + "/x/archive")]
    [InlineData("POST", Clients + "/{client}/consents/nope/revoke")]
    [InlineData("PUT", Clients + "/{client}/access/not-a-member")]
    [InlineData("PUT", "/api/v1/members/not-a-member/role")]
    public async Task Endpoint_MalformedId_Is404Problem(string method, string route)
    {
        var (a, _) = await factory.SharedPairAsync();

        var response = await SendAsync(new HttpMethod(method), route.Replace("{client}", a.ClientId.ToString(), StringComparison.Ordinal), a.Owner.Token, new { });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(Clients)]
    [InlineData(Clients + "/search")]
    [InlineData(Clients + "/{client}/consents")]
    public async Task Endpoint_MalformedJson_Is400Problem(string route)
    {
        var (a, _) = await factory.SharedPairAsync();
        using var client = PracticeArrange.ApiClient(factory, a, PracticeRole.Owner);
        using var content = new StringContent("{\"name\": \"Jordan", Encoding.UTF8, "application/json");

        var response = await client.PostAsync(new Uri(route.Replace("{client}", a.ClientId.ToString(), StringComparison.Ordinal), UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Jordan", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemberEndpoints_UnknownEnumOrMalformedIdInBody_Are400AndChangeNothing()
    {
        var (a, _) = await factory.SharedPairAsync();

        var badRole = await SendAsync(HttpMethod.Put, $"/api/v1/members/{a.Compliance.MembershipId}/role", a.Owner.Token, new { role = "Owner2" });
        var numericRole = await SendAsync(HttpMethod.Put, $"/api/v1/members/{a.Compliance.MembershipId}/role", a.Owner.Token, new { role = 7 });
        var badId = await SendAsync(HttpMethod.Post, "/api/v1/practice/ownership-transfer", a.Owner.Token, new { newOwnerMembershipId = "nope" });

        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, numericRole.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Equal(PracticeRole.Compliance, (await MembershipAsync(a, a.Compliance.MembershipId))!.Role);
    }

    [Fact]
    public async Task Create_OversizedBody_Is413Problem()
    {
        var (a, _) = await factory.SharedPairAsync();
        using var client = PracticeArrange.ApiClient(factory, a, PracticeRole.Owner);
        using var content = new StringContent(
            $"{{\"name\":\"{new string('x', 40_000)}\",\"dateOfBirth\":\"1990-01-01\"}}", Encoding.UTF8, "application/json");

        var response = await client.PostAsync(new Uri(Clients, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenApi_Document_ListsTheClientAndMemberOperations()
    {
        var response = await factory.CreateClient().GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        foreach (var operation in new[] { "SearchClients", "CreateClient", "GetClient", "UpdateClient", "ArchiveClient", "RecordConsent", "RevokeConsent", "ListClientAccess", "GrantClientAccess", "RevokeClientAccess", "ChangeMemberRole", "RemoveMember", "SetMemberScope", "TransferOwnership" })
        {
            Assert.Contains($"\"{operation}\"", text, StringComparison.Ordinal);
        }
    }

    // ---- helpers ----

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        var response = await factory.CreateClient().SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private async Task<IReadOnlyList<ClientConsent>> ConsentsAsync(Practice practice, ClientId clientId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IClientConsentRepository>().ListForClientAsync(practice.PracticeId, clientId, CancellationToken.None);
    }

    private async Task<IReadOnlyList<ClientGrant>> GrantsAsync(Practice practice, ClientId clientId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IClientGrantRepository>().ListForClientAsync(practice.PracticeId, clientId, CancellationToken.None);
    }

    private async Task<Membership?> MembershipAsync(Practice practice, MembershipId membershipId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMembershipRepository>().GetAsync(practice.PracticeId, membershipId, CancellationToken.None);
    }

    private async Task<int> ClientCountAsync(Practice practice)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IClientRepository>().ListAsync(practice.PracticeId, null, includeArchived: true, 1000, CancellationToken.None)).Count;
    }

    public sealed class Factory : PracticeArrangeFactory
    {
        public Factory()
        {
            Settings["Plexura:OpenApi:Enabled"] = "true";
        }
    }
}
