using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Access;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Auditing;
using Plexura.Core.Billing;
using Plexura.Core.Clients;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Invitations;
using Plexura.Core.Memberships;
using Plexura.Core.Notes;
using Plexura.Core.Practices;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.Audio;
using Plexura.Tests.Fakes;
using Plexura.Tests.Web;

namespace Plexura.Tests.Isolation;

/// <summary>
/// Every API endpoint on practice data, called as every role against its own practice and with another practice's ids:
/// the roles the product allows succeed, everyone else is refused (403 ProblemDetails) and audited, and no call reads,
/// changes or echoes another practice's records. The API half of issue 4; the Core half is
/// <see cref="UseCaseIsolationMatrixTests"/>.
/// </summary>
/// <remarks>
/// The case table is checked against the app's <see cref="EndpointDataSource"/>, so a new <c>/api/</c> endpoint fails
/// this suite until it is placed in the table or named, with a reason, as one that touches no practice's data.
/// Practice A is the victim and the "own practice"; B's members make the cross-practice attempts. Rows that really
/// change something aim at fresh records (a new client, a new clinician) so no row disturbs another or an actor's token.
/// </remarks>
public sealed class ApiIsolationMatrixTests(ApiIsolationMatrixTests.Factory factory) : IClassFixture<ApiIsolationMatrixTests.Factory>
{
    private const string Clients = ApiMatrixArrange.ClientsPath;

    private const string Sessions = ApiMatrixArrange.SessionsPath;

    private const string Notes = "/api/v1/notes/{noteId:guid}";

    private const string Compliance = "/api/v1/compliance";

    private const string Billing = "/api/v1/billing";

    private static readonly IReadOnlyList<PracticeRole> Roles = Web.Practice.Roles;

    private static readonly PracticeRole[] Clinical = [PracticeRole.Owner, PracticeRole.Admin, PracticeRole.Clinician];

    private static readonly PracticeRole[] Managers = [PracticeRole.Owner, PracticeRole.Admin];

    private static readonly PracticeRole[] OwnerOnly = [PracticeRole.Owner];

    /// <summary>Who reads the audit log and its reports: owners, admins and compliance staff (each with a second factor).</summary>
    private static readonly PracticeRole[] AuditReaders = [PracticeRole.Owner, PracticeRole.Admin, PracticeRole.Compliance];

    /// <summary>Who reviews break-glass accesses: owners and compliance staff (admins read the log but do not sign off emergencies).</summary>
    private static readonly PracticeRole[] EmergencyReviewers = [PracticeRole.Owner, PracticeRole.Compliance];

    /// <summary>Who declares a break-glass access: the clinician the practice designated (owners and admins already see every client).</summary>
    private static readonly PracticeRole[] DesignatedClinician = [PracticeRole.Clinician];

    /// <summary>The owner's fresh session is someone else's to these roles: "not found" (audited) rather than refused.</summary>
    private static readonly PracticeRole[] NotTheRecorder = [PracticeRole.Admin, PracticeRole.Clinician];

    private static readonly Regex RouteParameter = new(@"\{(?<name>\w+)(:[^}]*)?\}", RegexOptions.Compiled);

    /// <summary>API endpoints that read or change no practice's records, with why.</summary>
    private static readonly Dictionary<string, string> NotPracticeData = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/auth/token"] = "signs in with the credentials given; names no practice record",
        ["POST /api/v1/auth/token/mfa"] = "second sign-in step for the challenge's own account",
        ["POST /api/v1/auth/sign-out"] = "ends the presented token's own session",
        ["GET /api/v1/me"] = "describes the presented token's own account and session",
        ["GET /api/v1/antiforgery-token"] = "the signed-in user's own antiforgery token; names no practice record",
        ["POST /api/v1/csp-reports/"] = "anonymous browser violation reports; logged, never stored with a practice",
        ["POST /api/stripe/webhook"] = "anonymous, proven by Stripe's signature; the practice comes from Stripe's own customer and metadata, never from a member",
    };

    /// <summary>Every endpoint on practice data: how to call it, who may, and which other-practice ids to try in it.</summary>
    private static readonly IReadOnlyList<ApiCase> Cases =
    [
        new("SearchClients", "POST", $"{Clients}/search", Clinical, Fresh.None, _ => new { query = "Jordan" }, []),
        new("CreateClient", "POST", $"{Clients}/", Clinical, Fresh.None, _ => new { name = "Avery Quinn", dateOfBirth = "1985-01-05" }, []),
        new("GetClient", "GET", $"{Clients}/{{id:guid}}", Managers, Fresh.None, _ => null, [Aim.Foreign]),
        new("UpdateClient", "PUT", $"{Clients}/{{id:guid}}", Managers, Fresh.Client,
            t => new { name = "Changed Name", dateOfBirth = "1990-04-02", isRestricted = true, isPart2 = true, version = t.Version }, [Aim.Foreign]),
        new("ArchiveClient", "POST", $"{Clients}/{{id:guid}}/archive", Managers, Fresh.Client, _ => null, [Aim.Foreign]),
        new("RecordConsent", "POST", $"{Clients}/{{id:guid}}/consents", Managers, Fresh.Client,
            _ => new { kind = "AiProcessing", method = "Written", effectiveFrom = DateTimeOffset.UtcNow.AddMinutes(-1) }, [Aim.Foreign]),
        new("RevokeConsent", "POST", $"{Clients}/{{id:guid}}/consents/{{consentId:guid}}/revoke", Managers, Fresh.ClientWithConsent,
            _ => new { reason = "Client asked" }, [Aim.Foreign, Aim.ForeignClientOwnOther, Aim.OwnClientForeignOther]),
        new("ListClientAccess", "GET", $"{Clients}/{{id:guid}}/access", Managers, Fresh.None, _ => null, [Aim.Foreign]),
        new("GrantClientAccess", "PUT", $"{Clients}/{{id:guid}}/access/{{membershipId:guid}}", Managers, Fresh.Client,
            _ => new { view = true, edit = true, push = true, export = true }, [Aim.Foreign, Aim.ForeignClientOwnOther, Aim.OwnClientForeignOther]),
        new("RevokeClientAccess", "DELETE", $"{Clients}/{{id:guid}}/access/{{membershipId:guid}}", Managers, Fresh.ClientWithGrant,
            _ => null, [Aim.Foreign, Aim.ForeignClientOwnOther, Aim.OwnClientForeignOther]),
        new("StartSession", "POST", $"{Clients}/{{clientId:guid}}/sessions/", Managers, Fresh.ConsentedClient, _ => null, [Aim.Foreign]),
        new("ListClientSessions", "GET", $"{Clients}/{{clientId:guid}}/sessions/", Managers, Fresh.None, _ => null, [Aim.Foreign]),
        new("ListUnfinishedSessions", "GET", $"{Sessions}/unfinished", Clinical, Fresh.None, _ => null, []),
        new("ListMyDay", "GET", $"{Sessions}/my-day", Clinical, Fresh.None, _ => null, []),
        new("GetSession", "GET", $"{Sessions}/{{sessionId:guid}}", Managers, Fresh.None, _ => null, [Aim.Foreign]),
        new("PutSessionAudio", "PUT", $"{Sessions}/{{sessionId:guid}}/audio/{{sequence:int}}", OwnerOnly, Fresh.Session, _ => ApiMatrixArrange.Chunk(), [Aim.Foreign])
        {
            NotFound = NotTheRecorder,
        },
        new("PauseSession", "POST", $"{Sessions}/{{sessionId:guid}}/pause", OwnerOnly, Fresh.Session, _ => null, [Aim.Foreign]) { NotFound = NotTheRecorder },
        new("ResumeSession", "POST", $"{Sessions}/{{sessionId:guid}}/resume", OwnerOnly, Fresh.PausedSession, _ => null, [Aim.Foreign]) { NotFound = NotTheRecorder },
        new("StopSession", "POST", $"{Sessions}/{{sessionId:guid}}/stop", OwnerOnly, Fresh.Session, _ => new { chunkCount = 0 }, [Aim.Foreign]) { NotFound = NotTheRecorder },
        new("RetryTranscription", "POST", $"{Sessions}/{{sessionId:guid}}/retry", Managers, Fresh.Session, _ => null, [Aim.Foreign]),
        new("GetNote", "GET", $"{Notes}/", Managers, Fresh.None, _ => null, [Aim.Foreign]),
        new("GetSessionNote", "GET", $"{Sessions}/{{sessionId:guid}}/note/", Managers, Fresh.None, _ => null, [Aim.Foreign]),
        new("WriteSessionNote", "POST", $"{Sessions}/{{sessionId:guid}}/note/", Managers, Fresh.Note, _ => null, [Aim.Foreign]),
        new("SaveNoteSection", "PUT", $"{Notes}/sections/{{key}}", Managers, Fresh.Note,
            _ => new { statements = new[] { new { text = "Meet next week." } }, basedOnVersion = 2 }, [Aim.Foreign]),
        new("ReviewNoteStatement", "POST", $"{Notes}/statements/{{statementId}}/review", Managers, Fresh.Note, _ => new { decision = "Accept", basedOnVersion = 2 }, [Aim.Foreign]),
        new("ReviewNoteRisk", "POST", $"{Notes}/risks/{{riskId}}/review", Managers, Fresh.Note, _ => new { decision = "Confirm", basedOnVersion = 2 }, [Aim.Foreign]),
        new("ListNoteVersions", "GET", $"{Notes}/versions", Managers, Fresh.None, _ => null, [Aim.Foreign]),
        new("GetNoteVersion", "GET", $"{Notes}/versions/{{number:int}}", Managers, Fresh.None, _ => null, [Aim.Foreign]),
        new("RestoreNoteVersion", "POST", $"{Notes}/versions/{{number:int}}/restore", Managers, Fresh.Note, _ => new { basedOnVersion = 2 }, [Aim.Foreign]),
        new("SignNote", "POST", $"{Notes}/sign", Managers, Fresh.Note, _ => new { attested = true, basedOnVersion = 2 }, [Aim.Foreign])
        {
            RuleRefusal = HttpStatusCode.UnprocessableEntity,
        },
        new("VerifyNoteSignature", "GET", $"{Notes}/signature", Managers, Fresh.None, _ => null, [Aim.Foreign]),
        new("AmendNote", "POST", $"{Notes}/addenda", Managers, Fresh.Note, _ => new { reason = "Late entry", text = "Words." }, [Aim.Foreign])
        {
            RuleRefusal = HttpStatusCode.Conflict,
        },
        new("RedraftNote", "POST", $"{Notes}/redraft", Managers, Fresh.Note, _ => new { section = "plan" }, [Aim.Foreign]) { RuleRefusal = HttpStatusCode.Conflict },
        new("ListPsychotherapyNotes", "GET", $"{Clients}/{{clientId:guid}}/psychotherapy-notes/", Managers, Fresh.None, _ => null, [Aim.Foreign]),
        new("CreatePsychotherapyNote", "POST", $"{Clients}/{{clientId:guid}}/psychotherapy-notes/", Managers, Fresh.Client, _ => null, [Aim.Foreign]),
        new("ChangeMemberRole", "PUT", "/api/v1/members/{membershipId:guid}/role", Managers, Fresh.Member, _ => new { role = "Compliance" }, [Aim.Foreign]),
        new("RemoveMember", "DELETE", "/api/v1/members/{membershipId:guid}", Managers, Fresh.Member, _ => null, [Aim.Foreign]),
        new("SetMemberScope", "PUT", "/api/v1/members/{membershipId:guid}/scope", Managers, Fresh.Member,
            _ => new { scope = "AllClients", allClientsPermissions = new { view = true, edit = true, push = true, export = true } }, [Aim.Foreign]),
        new("TransferOwnership", "POST", "/api/v1/practice/ownership-transfer", OwnerOnly, Fresh.MemberWithSecondFactor,
            t => new { newOwnerMembershipId = t.Member, remainOwner = true }, [Aim.Foreign]),
        new("SearchAuditEvents", "GET", $"{Compliance}/audit-events", AuditReaders, Fresh.None, _ => null, []),
        new("ExportAuditLog", "GET", $"{Compliance}/audit-export", AuditReaders, Fresh.None, _ => null, []),
        new("GetAuditExportKey", "GET", $"{Compliance}/audit-export-key", AuditReaders, Fresh.None, _ => null, []),
        new("GetAuditExportManifest", "GET", $"{Compliance}/audit-exports/{{exportId:guid}}/manifest", AuditReaders, Fresh.None, _ => null, [Aim.Foreign]),
        new("GetBreachReport", "GET", $"{Compliance}/reports/breach", AuditReaders, Fresh.None, _ => null, []),
        new("DownloadBreachReport", "GET", $"{Compliance}/reports/breach/csv", AuditReaders, Fresh.None, _ => null, []),
        new("GetClientReport", "GET", $"{Compliance}/reports/clients/{{clientId:guid}}", AuditReaders, Fresh.None, _ => null, [Aim.Foreign]),
        new("DownloadClientReport", "GET", $"{Compliance}/reports/clients/{{clientId:guid}}/csv", AuditReaders, Fresh.None, _ => null, [Aim.Foreign]),
        new("ListEmergencyAccesses", "GET", $"{Compliance}/emergency-accesses", EmergencyReviewers, Fresh.None, _ => null, []),
        new("AcknowledgeEmergencyAccess", "POST", $"{Compliance}/emergency-accesses/{{id:guid}}/acknowledge", EmergencyReviewers, Fresh.EmergencyAccess,
            _ => new { note = "Reviewed with the clinician." }, [Aim.Foreign]),
        new("DeclareEmergencyAccess", "POST", $"{Clients}/{{id:guid}}/emergency-access", DesignatedClinician, Fresh.Client,
            _ => new { reason = "Covering an urgent call; the treating clinician is away." }, [Aim.Foreign]),
        new("GetBilling", "GET", $"{Billing}/", OwnerOnly, Fresh.None, _ => null, []),
        new("StartCheckout", "POST", $"{Billing}/checkout", OwnerOnly, Fresh.None, _ => new { annual = false }, []),
        new("CompleteCheckout", "POST", $"{Billing}/checkout/complete", OwnerOnly, Fresh.OpenCheckout, t => new { sessionId = t.Checkout }, [Aim.Foreign])
        {
            RuleRefusal = HttpStatusCode.BadRequest,
        },
        new("OpenBillingPortal", "POST", $"{Billing}/portal", OwnerOnly, Fresh.None, _ => null, []),
        new("SyncSeats", "POST", $"{Billing}/seats/sync", OwnerOnly, Fresh.None, _ => null, []),
    ];

    private static CancellationToken Ct => CancellationToken.None;

    public static TheoryData<string, PracticeRole> OwnPracticeRows()
    {
        var data = new TheoryData<string, PracticeRole>();
        foreach (var apiCase in Cases)
        {
            foreach (var role in Roles)
            {
                data.Add(apiCase.Name, role);
            }
        }

        return data;
    }

    public static TheoryData<string, Aim, PracticeRole> OtherPracticeRows()
    {
        var data = new TheoryData<string, Aim, PracticeRole>();
        foreach (var apiCase in Cases)
        {
            foreach (var aim in apiCase.OtherPracticeAims)
            {
                foreach (var role in Roles)
                {
                    data.Add(apiCase.Name, aim, role);
                }
            }
        }

        return data;
    }

    [Fact]
    public void EveryApiEndpoint_IsInTheMatrixOrNamedAsNotPracticeData()
    {
        var mapped = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet(StringComparer.Ordinal);

        var placed = Cases.Select(c => c.Key).Concat(NotPracticeData.Keys).ToHashSet(StringComparer.Ordinal);

        var unclassified = mapped.Except(placed).Order(StringComparer.Ordinal).ToList();
        var unmapped = placed.Except(mapped).Order(StringComparer.Ordinal).ToList();
        var recordRoutesNotTriedAcross = Cases.Where(c => c.Route.Contains('{', StringComparison.Ordinal) && c.OtherPracticeAims.Length == 0).Select(c => c.Key).ToList();

        Assert.NotEmpty(mapped);
        Assert.True(unclassified.Count == 0, $"Place these endpoints in the matrix or in NotPracticeData: {string.Join(", ", unclassified)}");
        Assert.True(unmapped.Count == 0, $"Classified but no longer mapped: {string.Join(", ", unmapped)}");
        Assert.True(recordRoutesNotTriedAcross.Count == 0, $"These name a record but are never tried with another practice's ids: {string.Join(", ", recordRoutesNotTriedAcross)}");
        Assert.DoesNotContain(Cases.GroupBy(c => c.Name), g => g.Count() > 1);
        Assert.DoesNotContain(Cases.GroupBy(c => c.Key), g => g.Count() > 1);
    }

    [Theory]
    [MemberData(nameof(OwnPracticeRows))]
    public async Task Endpoint_OwnPractice_AllowedRolesSucceedOthersAre403AuditedAndChangeNothing(string name, PracticeRole role)
    {
        var apiCase = Cases.Single(c => c.Name == name);
        var (a, b) = await factory.WorldsAsync();
        var actor = a.Practice.Members[role];
        var target = await OwnTargetAsync(apiCase, a);
        var bystanderBefore = await SnapshotAsync(b.PracticeId, [], withAudit: true);
        var before = await SnapshotAsync(a.PracticeId, [], withAudit: false);
        var deniedBefore = await DeniedHeadAsync(a.PracticeId, actor);

        var response = await SendAsync(apiCase, target, actor.Token);

        Assert.Equal(bystanderBefore, await SnapshotAsync(b.PracticeId, [], withAudit: true));
        await AssertMentionsNoneOfAsync(response, b);
        if (apiCase.Allowed.Contains(role))
        {
            Assert.True(
                response.IsSuccess || response.Status == apiCase.RuleRefusal,
                $"{apiCase.Key} as {role} should succeed in its own practice but answered {response}");
            if (apiCase.Name == "SearchClients")
            {
                await AssertSearchHitsAsync(response, a, role);
            }

            if (response.Status == apiCase.RuleRefusal && apiCase.Name == "CompleteCheckout")
            {
                // Past the owner check and the practice check of the session: refused only because nobody paid yet.
                Assert.Contains("not finished", response.Body, StringComparison.Ordinal);
            }

            return;
        }

        var expected = apiCase.NotFound.Contains(role) ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden;
        Assert.True(response.Status == expected, $"{apiCase.Key} as {role} should be {(int)expected} but answered {response}");
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal(before, await SnapshotAsync(a.PracticeId, [], withAudit: false));
        Assert.True(await DeniedHeadAsync(a.PracticeId, actor) > deniedBefore, $"{apiCase.Key} as {role} was refused but no Denied audit event by the actor was written");
    }

    [Theory]
    [MemberData(nameof(OtherPracticeRows))]
    public async Task Endpoint_OtherPracticesIds_Are404Or403AuditedAtHomeAndTouchNothing(string name, Aim aim, PracticeRole role)
    {
        var apiCase = Cases.Single(c => c.Name == name);
        var (a, b) = await factory.WorldsAsync();
        var actor = b.Practice.Members[role];
        var target = await OtherTargetAsync(aim, victim: a, home: b);
        var victimClients = await ClientIdsAsync(a.PracticeId);
        var victimBefore = await SnapshotAsync(a.PracticeId, [], withAudit: true);
        var homeBefore = await SnapshotAsync(b.PracticeId, victimClients, withAudit: false);
        var deniedBefore = await DeniedHeadAsync(b.PracticeId, actor);

        var response = await SendAsync(apiCase, target, actor.Token);

        Assert.True(
            response.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden,
            $"{apiCase.Key} ({aim}) as {role} of another practice must be 404 or 403 but answered {response}");
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal(victimBefore, await SnapshotAsync(a.PracticeId, [], withAudit: true));
        Assert.Equal(homeBefore, await SnapshotAsync(b.PracticeId, victimClients, withAudit: false));
        await AssertMentionsNoneOfAsync(response, a);
        Assert.True(
            await DeniedHeadAsync(b.PracticeId, actor) > deniedBefore,
            $"{apiCase.Key} ({aim}) as {role} was refused but wrote no Denied audit event by the actor in their own practice");
    }

    /// <summary>The ids a row of the own practice aims at: fresh records where an allowed call changes something.</summary>
    private async Task<Target> OwnTargetAsync(ApiCase apiCase, MatrixPractice a)
    {
        var target = await OwnRecordsAsync(apiCase, a);
        return target with
        {
            Emergency = apiCase.Fresh == Fresh.EmergencyAccess ? await ApiMatrixArrange.DeclareEmergencyAccessAsync(factory, a.Practice) : a.EmergencyAccessId,
            Export = a.ExportId,
            Checkout = apiCase.Fresh == Fresh.OpenCheckout ? await ApiMatrixArrange.StartCheckoutAsync(factory, a.Practice) : a.CheckoutSessionId,
        };
    }

    /// <summary>The client, consent, member, session and note a row of the own practice aims at.</summary>
    private async Task<Target> OwnRecordsAsync(ApiCase apiCase, MatrixPractice a)
    {
        var practice = a.Practice;
        switch (apiCase.Fresh)
        {
            case Fresh.Client:
            case Fresh.ClientWithConsent:
            case Fresh.ClientWithGrant:
                var clientId = await PracticeArrange.CreateClientAsync(factory, practice, PracticeRole.Owner, "Morgan Fresh");
                var consentId = apiCase.Fresh == Fresh.ClientWithConsent ? await ApiMatrixArrange.RecordConsentAsync(factory, practice, clientId) : a.ConsentId;
                if (apiCase.Fresh == Fresh.ClientWithGrant)
                {
                    await ApiMatrixArrange.GrantViewAsync(factory, practice, clientId, a.TaylorId);
                }

                return new Target(clientId, consentId, a.TaylorId, 0, a.SessionId, a.Note);
            case Fresh.ConsentedClient:
                return new Target(await ApiMatrixArrange.CreateConsentedClientAsync(factory, practice), a.ConsentId, a.TaylorId, 0, a.SessionId, a.Note);
            case Fresh.Session:
            case Fresh.PausedSession:
                var recorded = await ApiMatrixArrange.CreateConsentedClientAsync(factory, practice);
                var sessionId = await ApiMatrixArrange.StartSessionAsync(factory, practice, recorded);
                if (apiCase.Fresh == Fresh.PausedSession)
                {
                    await ApiMatrixArrange.PauseSessionAsync(factory, practice, sessionId);
                }

                return new Target(recorded, a.ConsentId, a.TaylorId, 0, sessionId, a.Note);
            case Fresh.Note:
                var noted = await ApiMatrixArrange.CreateConsentedClientAsync(factory, practice);
                var notedSession = await ApiMatrixArrange.StartSessionAsync(factory, practice, noted);
                return new Target(noted, a.ConsentId, a.TaylorId, 0, notedSession, await ApiMatrixArrange.WriteNoteAsync(factory, practice, notedSession));
            case Fresh.Member:
            case Fresh.MemberWithSecondFactor:
                var member = await ApiMatrixArrange.AddClinicianAsync(factory, practice, apiCase.Fresh == Fresh.MemberWithSecondFactor);
                return new Target(practice.ClientId, a.ConsentId, member, await VersionAsync(practice.PracticeId, practice.ClientId), a.SessionId, a.Note);
            default:
                return new Target(practice.ClientId, a.ConsentId, a.TaylorId, await VersionAsync(practice.PracticeId, practice.ClientId), a.SessionId, a.Note);
        }
    }

    /// <summary>The victim's ids, or the victim's mixed with the caller's own (own client with the victim's consent or member, and the reverse).</summary>
    private async Task<Target> OtherTargetAsync(Aim aim, MatrixPractice victim, MatrixPractice home) =>
        await OtherRecordsAsync(aim, victim, home) with { Emergency = victim.EmergencyAccessId, Export = victim.ExportId, Checkout = victim.CheckoutSessionId };

    private async Task<Target> OtherRecordsAsync(Aim aim, MatrixPractice victim, MatrixPractice home) => aim switch
    {
        Aim.Foreign => new Target(victim.ClientId, victim.ConsentId, victim.TaylorId, await VersionAsync(victim.PracticeId, victim.ClientId), victim.SessionId, victim.Note),
        Aim.ForeignClientOwnOther => new Target(victim.ClientId, home.ConsentId, home.TaylorId, await VersionAsync(victim.PracticeId, victim.ClientId), home.SessionId, home.Note),
        Aim.OwnClientForeignOther => new Target(home.ClientId, victim.ConsentId, victim.TaylorId, await VersionAsync(home.PracticeId, home.ClientId), victim.SessionId, victim.Note),
        _ => throw new ArgumentOutOfRangeException(nameof(aim)),
    };

    private async Task<Answer> SendAsync(ApiCase apiCase, Target target, string token)
    {
        var path = RouteParameter.Replace(apiCase.Route, m => m.Groups["name"].Value switch
        {
            "id" when apiCase.Route.Contains("/emergency-accesses/", StringComparison.Ordinal) => target.Emergency.ToString(),
            "id" or "clientId" => target.Client.ToString(),
            "exportId" => target.Export.ToString("D"),
            "sessionId" => target.Session.ToString(),
            "sequence" => "0",
            "consentId" => target.Consent.ToString(),
            "membershipId" => target.Member.ToString(),
            "noteId" => target.Note.Id.ToString(),
            "statementId" => target.Note.StatementId,
            "riskId" => target.Note.RiskId,
            "key" => "plan",
            "number" => "1",
            var other => throw new InvalidOperationException($"No id for route parameter {other}."),
        });
        using var request = new HttpRequestMessage(new HttpMethod(apiCase.Method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (apiCase.Body(target) is byte[] wav)
        {
            request.Content = new ByteArrayContent(wav);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        }
        else if (apiCase.Body(target) is { } body)
        {
            request.Content = JsonContent.Create(body);
        }

        using var client = factory.CreateClient();
        using var response = await client.SendAsync(request, Ct);
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>Owners and admins find the owner's client; the clinician, granted nothing, finds none of the practice's clients.</summary>
    private async Task AssertSearchHitsAsync(Answer response, MatrixPractice a, PracticeRole role)
    {
        var hits = JsonDocument.Parse(response.Body).RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        if (role == PracticeRole.Clinician)
        {
            var practiceClients = (await ClientIdsAsync(a.PracticeId)).Select(c => c.ToString());
            Assert.Empty(hits.Intersect(practiceClients));
        }
        else
        {
            Assert.Contains(a.Practice.ClientId.ToString(), hits);
        }
    }

    /// <summary>The body names none of <paramref name="practice"/>'s clients, consents or members, by id or by the matrix client's name.</summary>
    private async Task AssertMentionsNoneOfAsync(Answer response, MatrixPractice practice)
    {
        var members = await GetAsync<IMembershipRepository, IReadOnlyList<Membership>>(r => r.ListAsync(practice.PracticeId, Ct));
        string[] forbidden =
        [
            practice.ClientName,
            practice.ConsentId.ToString(),
            practice.TaylorId.ToString(),
            practice.SessionId.ToString(),
            practice.Note.Id.ToString(),
            practice.EmergencyAccessId.ToString(),
            practice.ExportId.ToString("D"),
            practice.CheckoutSessionId,
            .. (await ClientIdsAsync(practice.PracticeId)).Select(c => c.ToString()),
            .. members.Select(m => m.Id.ToString()),
            .. members.Select(m => m.UserId.ToString()),
        ];
        var leaked = forbidden.Where(f => response.Body.Contains(f, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(leaked.Count == 0, $"The answer names another practice's records: {string.Join(", ", leaked)}");
    }

    /// <summary>Everything stored for the practice, serialised: the practice, members, invitations, clients with their
    /// consents, grants and sessions with their stored audio (and those filed under <paramref name="alsoClients"/>), its
    /// emergency accesses and billing record, and the audit chain's head when asked.</summary>
    private async Task<string> SnapshotAsync(PracticeId id, IReadOnlyList<ClientId> alsoClients, bool withAudit)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var clients = await services.GetRequiredService<IClientRepository>().ListAsync(id, null, includeArchived: true, 1000, Ct);
        var consents = new List<ClientConsent>();
        var grants = new List<ClientGrant>();
        var sessions = new List<ClinicalSession>();
        var audio = new List<AudioChunkStatus>();
        var notes = new List<object>();
        foreach (var clientId in clients.Select(c => c.Id).Concat(alsoClients).Distinct())
        {
            consents.AddRange(await services.GetRequiredService<IClientConsentRepository>().ListForClientAsync(id, clientId, Ct));
            foreach (var note in await services.GetRequiredService<INoteRepository>().ListForClientAsync(id, clientId, Ct))
            {
                notes.Add(new { note, versions = await services.GetRequiredService<INoteRepository>().ListVersionsAsync(id, note.Id, Ct) });
            }

            grants.AddRange(await services.GetRequiredService<IClientGrantRepository>().ListForClientAsync(id, clientId, Ct));
            var clientSessions = await services.GetRequiredService<IClinicalSessionRepository>().ListForClientAsync(id, clientId, Ct);
            sessions.AddRange(clientSessions);
            foreach (var session in clientSessions)
            {
                audio.Add(await services.GetRequiredService<ISessionAudioStore>().GetStatusAsync(id, session.Id, Ct));
            }
        }

        var snapshot = new
        {
            Practice = await services.GetRequiredService<IPracticeRepository>().GetAsync(id, Ct),
            Members = await services.GetRequiredService<IMembershipRepository>().ListAsync(id, Ct),
            Invitations = await services.GetRequiredService<IInvitationRepository>().ListAsync(id, Ct),
            Clients = clients,
            Consents = consents,
            Grants = grants,
            Sessions = sessions,
            Audio = audio,
            Notes = notes,
            EmergencyAccesses = await services.GetRequiredService<IEmergencyAccessRepository>().ListAsync(id, 1000, Ct),
            Billing = await services.GetRequiredService<IPracticeBillingRepository>().GetAsync(id, Ct),
            AuditHead = withAudit ? (await services.GetRequiredService<IAuditStore>().QueryAsync(id, new AuditQuery(Limit: 1), Ct)).Select(e => e.Sequence).SingleOrDefault() : 0,
        };
        return JsonSerializer.Serialize(snapshot);
    }

    /// <summary>The sequence of the actor's newest Denied event in the practice's audit log (0 when there is none).</summary>
    private Task<long> DeniedHeadAsync(PracticeId practiceId, ArrangedMember actor) =>
        GetAsync<IAuditStore, long>(async store =>
            (await store.QueryAsync(practiceId, new AuditQuery(ActorUserId: actor.UserId, Result: AuditResult.Denied, Limit: 1), Ct)).Select(e => e.Sequence).SingleOrDefault());

    private Task<IReadOnlyList<ClientId>> ClientIdsAsync(PracticeId practiceId) =>
        GetAsync<IClientRepository, IReadOnlyList<ClientId>>(async r => [.. (await r.ListAsync(practiceId, null, includeArchived: true, 1000, Ct)).Select(c => c.Id)]);

    private Task<long> VersionAsync(PracticeId practiceId, ClientId clientId) =>
        GetAsync<IClientRepository, long>(async r => (await r.GetAsync(practiceId, clientId, Ct))!.Version);

    private async Task<TResult> GetAsync<TService, TResult>(Func<TService, Task<TResult>> read)
        where TService : notnull
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Which ids of another practice a cross-practice row puts in the request.</summary>
    public enum Aim
    {
        /// <summary>Every id is the victim practice's.</summary>
        Foreign,

        /// <summary>The victim's client with the caller's own consent or member.</summary>
        ForeignClientOwnOther,

        /// <summary>The caller's own client with the victim's consent or member.</summary>
        OwnClientForeignOther,
    }

    /// <summary>What an own-practice row needs made fresh, so an allowed change lands on a record no other row uses.</summary>
    private enum Fresh
    {
        None,
        Client,
        ClientWithConsent,
        ClientWithGrant,
        Member,
        MemberWithSecondFactor,

        /// <summary>A new client with recording and AI-processing consents.</summary>
        ConsentedClient,

        /// <summary>A session the owner just started with a new consented client.</summary>
        Session,

        /// <summary>Such a session, paused.</summary>
        PausedSession,

        /// <summary>A session the owner just started with a new consented client, with a note at version 2.</summary>
        Note,

        /// <summary>An emergency access the designated clinician just declared on a new client, not yet acknowledged.</summary>
        EmergencyAccess,

        /// <summary>A Stripe Checkout the owner just started (open: not paid).</summary>
        OpenCheckout,
    }

    /// <summary>One endpoint of the matrix.</summary>
    /// <param name="Name">The endpoint's name (as in OpenAPI).</param>
    /// <param name="Method">The HTTP method.</param>
    /// <param name="Route">The route pattern exactly as mapped.</param>
    /// <param name="Allowed">The roles that succeed on their own practice's records.</param>
    /// <param name="Fresh">What an own-practice row makes fresh to aim at.</param>
    /// <param name="Body">The request body for a target, or null for none.</param>
    /// <param name="OtherPracticeAims">The cross-practice variants to try; empty when the endpoint names no record.</param>
    private sealed record ApiCase(
        string Name, string Method, string Route, PracticeRole[] Allowed, Fresh Fresh, Func<Target, object?> Body, Aim[] OtherPracticeAims)
    {
        public string Key => $"{Method} {Route}";

        /// <summary>The roles answered 404 in their own practice (the record is another member's), rather than 403.</summary>
        public PracticeRole[] NotFound { get; init; } = [];

        /// <summary>An answer that means "authorized, but the record's own rules refuse it now" (a note not ready to sign), counted as success.</summary>
        public HttpStatusCode? RuleRefusal { get; init; }
    }

    /// <summary>The ids put in a request.</summary>
    private sealed record Target(ClientId Client, ClientConsentId Consent, MembershipId Member, long Version, ClinicalSessionId Session, MatrixNote Note)
    {
        /// <summary>An emergency access to review.</summary>
        public EmergencyAccessId Emergency { get; init; }

        /// <summary>An audit export whose manifest is fetched.</summary>
        public Guid Export { get; init; }

        /// <summary>A Stripe Checkout session id to bring back.</summary>
        public string Checkout { get; init; } = string.Empty;
    }

    private sealed record Answer(HttpStatusCode Status, string? MediaType, string Body)
    {
        public bool IsSuccess => (int)Status is >= 200 and < 300;

        public override string ToString() => $"{(int)Status} {MediaType}: {Body}";
    }

    /// <summary>The test app with practices A and B, each with the matrix's extra client, consent and clinician, and billing on
    /// against <see cref="FakeStripeServer"/> (through the real Stripe.net client).</summary>
    public sealed class Factory : PracticeArrangeFactory
    {
        private readonly Lazy<Task<(MatrixPractice A, MatrixPractice B)>> _worlds;

        public Factory()
        {
            Stripe = FakeStripeServer.StartAsync().GetAwaiter().GetResult();
            foreach (var (key, value) in Api.BillingApiTests.Factory.BillingSettings(Stripe))
            {
                Settings[key] = value;
            }

            _worlds = new Lazy<Task<(MatrixPractice A, MatrixPractice B)>>(ArrangeAsync);
        }

        /// <summary>Stripe, faked over HTTP.</summary>
        public FakeStripeServer Stripe { get; }

        /// <summary>A and B, arranged on first use.</summary>
        public Task<(MatrixPractice A, MatrixPractice B)> WorldsAsync() => _worlds.Value;

        private async Task<(MatrixPractice A, MatrixPractice B)> ArrangeAsync()
        {
            var (a, b) = await SharedPairAsync();
            return (await ApiMatrixArrange.ArrangeAsync(this, a, "Dana Quillon", Stripe), await ApiMatrixArrange.ArrangeAsync(this, b, "Dana Marlowe", Stripe));
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await Stripe.DisposeAsync();
        }
    }
}
