using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Auditing;
using Plexura.Core.Clients;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Reports;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Compliance;

/// <summary>The accounting of disclosures, the access report and the breach impact report on the real services (SQLite).</summary>
public sealed class ComplianceReportTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    private const string ClientName = "Dana Reyes";

    [Fact]
    public async Task Disclosures_ListExportsPushesAndEmergencyAccessOfTheClientOnlyNewestFirstAndAuditTheReading()
    {
        var (owner, clientId, otherClient) = await PracticeWithClientsAsync();
        var old = await RecordAsync(owner, AuditAction.Exported, clientId);
        Fixture.Time.Advance(TimeSpan.FromDays((6 * 365) + 10));
        var export = await RecordAsync(owner, AuditAction.Exported, clientId, details: ("recipient", "ehr"));
        var push = await RecordAsync(owner, AuditAction.EhrPushed, clientId);
        var emergency = await RecordAsync(owner, AuditAction.EmergencyAccess, clientId);
        var view = await RecordAsync(owner, AuditAction.PhiViewed, clientId);
        await RecordAsync(owner, AuditAction.Exported, clientId, AuditResult.Denied);
        await RecordAsync(owner, AuditAction.Exported, otherClient);

        var disclosures = await As<ClientReportHandler>(owner).HandleAsync(new ClientReportCommand(clientId, ClientReportKind.Disclosures), Client, Ct);
        var access = await As<ClientReportHandler>(owner).HandleAsync(new ClientReportCommand(clientId, ClientReportKind.Access), Client, Ct);

        Assert.Equal([emergency.Sequence, push.Sequence, export.Sequence], disclosures.Rows.Select(r => r.Sequence));
        Assert.Equal([view.Sequence, emergency.Sequence, push.Sequence, export.Sequence], access.Rows.Select(r => r.Sequence));
        Assert.DoesNotContain(old.Sequence, access.Rows.Select(r => r.Sequence));
        Assert.Equal("recipient=ehr", disclosures.Rows[^1].Details);
        Assert.Null(disclosures.NextBefore);
        Assert.True(disclosures.MayViewClient);
        var audited = (await AuditAsync(owner.PracticeId, AuditAction.AuditLogViewed)).ToList();
        Assert.Equal(["access-report", "disclosure-report"], audited.Select(e => e.TargetType));
        Assert.All(audited, e => Assert.Equal(clientId.ToString(), e.ClientId));
        Assert.Equal("client", audited[0].Details["filters"]);
        Assert.DoesNotContain(audited.SelectMany(e => e.Details.Values), v => v.Contains(ClientName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientReport_Pages_WalkOlderWithoutGapsOrRepeats()
    {
        var (owner, clientId, _) = await PracticeWithClientsAsync();
        var sequences = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            sequences.Add((await RecordAsync(owner, AuditAction.Exported, clientId)).Sequence);
        }

        var seen = new List<long>();
        long? before = null;
        var pages = 0;
        do
        {
            var page = await As<ClientReportHandler>(owner).HandleAsync(new ClientReportCommand(clientId, ClientReportKind.Disclosures, BeforeSequence: before, Limit: 2), Client, Ct);
            seen.AddRange(page.Rows.Select(r => r.Sequence));
            before = page.NextBefore;
            pages++;
        }
        while (before is not null);

        Assert.Equal(3, pages);
        Assert.Equal(sequences.AsEnumerable().Reverse(), seen);
    }

    [Fact]
    public async Task ClientReport_ComplianceOfficer_ReadsByIdWithoutTheName()
    {
        var (owner, clientId, _) = await PracticeWithClientsAsync();
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);
        await RecordAsync(owner, AuditAction.Exported, clientId);

        var page = await As<ClientReportHandler>(compliance).HandleAsync(new ClientReportCommand(clientId, ClientReportKind.Disclosures), Client, Ct);

        Assert.Single(page.Rows);
        Assert.False(page.MayViewClient);
    }

    [Fact]
    public async Task ClientReport_ComplianceOfficerWithoutSecondFactor_IsRefusedWithTheReasonAndAudited()
    {
        var (owner, clientId, _) = await PracticeWithClientsAsync();
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance, hasMfa: false);

        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<ClientReportHandler>(compliance).HandleAsync(new ClientReportCommand(clientId, ClientReportKind.Access), Client, Ct));

        Assert.Equal(PracticePolicy.AuditReaderNeedsMfaMessage, refused.Message);
        var denied = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.AuditLogViewed));
        Assert.Equal((AuditResult.Denied, "access-report", compliance.UserId), (denied.Result, denied.TargetType, denied.ActorUserId));
    }

    [Fact]
    public async Task ClientReport_ClinicianWithoutExportPermission_IsRefusedAndAuditedAsADeniedExport()
    {
        var (owner, clientId, _) = await PracticeWithClientsAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        await As<GrantClientAccessHandler>(owner).HandleAsync(
            new GrantClientAccessCommand(clinician.MembershipId, clientId, new ClientPermissions(true, true, false, false)), Client, Ct);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<ClientReportHandler>(clinician).HandleAsync(new ClientReportCommand(clientId, ClientReportKind.Disclosures), Client, Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<ClientReportCsvHandler>(clinician).HandleAsync(new ClientReportCsvCommand(clientId, ClientReportKind.Disclosures), Client, Ct));

        var denied = (await AuditAsync(owner.PracticeId, AuditAction.Exported)).Where(e => e.ActorUserId == clinician.UserId).ToList();
        Assert.Equal(2, denied.Count);
        Assert.All(denied, e => Assert.Equal((AuditResult.Denied, clientId.ToString()), (e.Result, e.ClientId)));
        Assert.Empty(await AuditAsync(owner.PracticeId, AuditAction.AuditLogViewed));
    }

    [Fact]
    public async Task ClientReport_ClinicianWithExportOnly_ReadsItWithoutTheName()
    {
        var (owner, clientId, _) = await PracticeWithClientsAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        await As<GrantClientAccessHandler>(owner).HandleAsync(
            new GrantClientAccessCommand(clinician.MembershipId, clientId, new ClientPermissions(false, false, false, true)), Client, Ct);

        var page = await As<ClientReportHandler>(clinician).HandleAsync(new ClientReportCommand(clientId, ClientReportKind.Disclosures), Client, Ct);

        Assert.False(page.MayViewClient);
    }

    [Fact]
    public async Task ClientReport_UnknownOrOtherPracticesClient_IsNotFoundAndAuditedAtHome()
    {
        var (owner, _, _) = await PracticeWithClientsAsync();
        var (stranger, strangersClient, _) = await PracticeWithClientsAsync();
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);

        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<ClientReportHandler>(compliance).HandleAsync(new ClientReportCommand(strangersClient, ClientReportKind.Disclosures), Client, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            As<ClientReportHandler>(owner).HandleAsync(new ClientReportCommand(ClientId.New(), ClientReportKind.Access), Client, Ct));

        var denied = (await AuditAsync(owner.PracticeId)).Where(e => e.Result == AuditResult.Denied).ToList();
        Assert.Equal(2, denied.Count);
        Assert.All(denied, e => Assert.Equal("unknown-client", e.Details["reason"]));
        Assert.DoesNotContain(await AuditAsync(stranger.PracticeId), e => e.ActorUserId == compliance.UserId || e.ActorUserId == owner.UserId);
    }

    [Theory]
    [InlineData(-2600, 0)]
    [InlineData(0, -1)]
    public async Task ClientReport_AbsurdRange_IsRefusedClearlyAndAudited(int fromDays, int toDays)
    {
        var (owner, clientId, _) = await PracticeWithClientsAsync();

        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<ClientReportHandler>(owner).HandleAsync(
                new ClientReportCommand(clientId, ClientReportKind.Disclosures, Now.AddDays(fromDays), Now.AddDays(toDays)), Client, Ct));

        Assert.Contains(refused.Message, new[] { ReportWindow.TooLongMessage, ReportWindow.StartAfterEndMessage });
        var failed = Assert.Single(await AuditAsync(owner.PracticeId, AuditAction.AuditLogViewed));
        Assert.Equal((AuditResult.Failed, "invalid-input", refused.Message), (failed.Result, failed.Details["reason"], failed.Details["rule"]));
    }

    [Fact]
    public async Task ClientReportCsv_StreamsEveryEventOldestFirstAndIsAuditedAsAnExport()
    {
        var (owner, clientId, _) = await PracticeWithClientsAsync();
        var first = await RecordAsync(owner, AuditAction.Exported, clientId, details: ("purpose", "=cmd"));
        var second = await RecordAsync(owner, AuditAction.PhiViewed, clientId);

        var csv = await As<ClientReportCsvHandler>(owner).HandleAsync(new ClientReportCsvCommand(clientId, ClientReportKind.Access), Client, Ct);
        var lines = await csv.Lines.ToListAsync();

        Assert.Equal(ClientReportEvents.CsvHeader, lines[0]);
        Assert.Equal(3, lines.Count);
        Assert.StartsWith($"{first.Sequence},", lines[1], StringComparison.Ordinal);
        Assert.Contains("purpose==cmd", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"{second.Sequence},", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain(ClientName, csv.FileName + string.Join('\n', lines), StringComparison.Ordinal);
        var exported = (await AuditAsync(owner.PracticeId, AuditAction.Exported)).First(e => e.TargetType == "access-report");
        Assert.Equal((AuditResult.Success, clientId.ToString(), null, "csv"), (exported.Result, exported.TargetId, exported.ClientId, exported.Details["format"]));
        var again = await As<ClientReportCsvHandler>(owner).HandleAsync(new ClientReportCsvCommand(clientId, ClientReportKind.Access), Client, Ct);
        Assert.Equal(3, (await again.Lines.ToListAsync()).Count);
    }

    [Fact]
    public async Task Breach_ByActor_CountsEachKindPerClientWithFirstAndLastTime()
    {
        var (owner, clientId, otherClient) = await PracticeWithClientsAsync();
        var suspect = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);
        var firstView = await RecordAsync(suspect, AuditAction.PhiViewed, clientId);
        Fixture.Time.Advance(TimeSpan.FromMinutes(5));
        await RecordAsync(suspect, AuditAction.Exported, clientId);
        await RecordAsync(suspect, AuditAction.EhrPushed, otherClient);
        await RecordAsync(suspect, AuditAction.PhiViewed, clientId, AuditResult.Denied);
        await RecordAsync(owner, AuditAction.PhiViewed, otherClient);
        Fixture.Time.Advance(TimeSpan.FromMinutes(5));
        var listed = await Fixture.Get<IAuditLog>().RecordAsync(
            Entry(suspect, AuditAction.PhiViewed, null, AuditResult.Success, "client-list", ("shown", "2"), ("clients-1", $"{clientId},{otherClient}")), Ct);

        var byEmail = await As<BreachReportHandler>(compliance).HandleAsync(new BreachReportCommand(Actor: suspect.Email.ToUpperInvariant()), Client, Ct);
        var report = await As<BreachReportHandler>(compliance).HandleAsync(new BreachReportCommand(Actor: suspect.UserId.ToString()), Client, Ct);

        Assert.Equal(byEmail.Clients, report.Clients);
        Assert.Equal(4, report.Events);
        var dana = report.Clients.Single(r => r.ClientId == clientId);
        Assert.Equal((2, 1, 0, 0, firstView.Timestamp, listed.Timestamp), (dana.Views, dana.Exports, dana.Pushes, dana.EmergencyAccesses, dana.First, dana.Last));
        var other = report.Clients.Single(r => r.ClientId == otherClient);
        Assert.Equal((1, 0, 1), (other.Views, other.Exports, other.Pushes));
        var audited = (await AuditAsync(owner.PracticeId, AuditAction.AuditLogViewed)).Where(e => e.TargetType == "breach-report").ToList();
        Assert.Equal(2, audited.Count);
        Assert.All(audited, e => Assert.Equal("actor", e.Details["filters"]));
        Assert.DoesNotContain(audited.SelectMany(e => e.Details.Values), v => v.Contains(suspect.Email, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Breach_ByIpAndByClinicalSession_KeepsOnlyThoseEvents()
    {
        var (owner, clientId, otherClient) = await PracticeWithClientsAsync();
        var session = ClinicalSessionId.New();
        await Fixture.Get<IAuditLog>().RecordAsync(Entry(owner, AuditAction.PhiViewed, clientId, AuditResult.Success, "transcript", [], session.ToString(), "198.51.100.9"), Ct);
        await Fixture.Get<IAuditLog>().RecordAsync(Entry(owner, AuditAction.PhiViewed, otherClient, AuditResult.Success, "note", [("session", ClinicalSessionId.New().ToString())]), Ct);

        var byIp = await As<BreachReportHandler>(owner).HandleAsync(new BreachReportCommand(SourceIp: " 198.51.100.9 "), Client, Ct);
        var bySession = await As<BreachReportHandler>(owner).HandleAsync(new BreachReportCommand(SessionId: session), Client, Ct);
        var csv = await As<BreachReportCsvHandler>(owner).HandleAsync(new BreachReportCsvCommand(new BreachReportCommand(SessionId: session)), Client, Ct);

        Assert.Equal(clientId, Assert.Single(byIp.Clients).ClientId);
        Assert.Equal(clientId, Assert.Single(bySession.Clients).ClientId);
        var lines = await csv.Lines.ToListAsync();
        Assert.Equal([BreachReportCsvHandler.CsvHeader], lines.Take(1));
        Assert.StartsWith($"{clientId},1,0,0,0,1,", lines[1], StringComparison.Ordinal);
        Assert.Contains(await AuditAsync(owner.PracticeId, AuditAction.Exported), e => e.TargetType == "breach-report" && e.Details["filters"] == "session");
    }

    [Fact]
    public async Task Breach_BadInputAndClinician_AreRefusedAndAudited()
    {
        var (owner, _, _) = await PracticeWithClientsAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        await Assert.ThrowsAsync<ValidationFailedException>(() => As<BreachReportHandler>(owner).HandleAsync(new BreachReportCommand(SourceIp: "not-an-ip"), Client, Ct));
        await Assert.ThrowsAsync<ValidationFailedException>(() => As<BreachReportHandler>(owner).HandleAsync(new BreachReportCommand(Actor: "Dana"), Client, Ct));
        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<BreachReportHandler>(owner).HandleAsync(new BreachReportCommand(From: Now.AddYears(-8)), Client, Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => As<BreachReportHandler>(clinician).HandleAsync(new BreachReportCommand(), Client, Ct));

        var events = await AuditAsync(owner.PracticeId, AuditAction.AuditLogViewed);
        Assert.Equal(3, events.Count(e => e.Result == AuditResult.Failed && e.TargetType == "breach-report"));
        Assert.Contains(events, e => e.Result == AuditResult.Denied && e.ActorUserId == clinician.UserId);
        Assert.DoesNotContain(events.SelectMany(e => e.Details.Values), v => v.Contains("Dana", StringComparison.Ordinal) || v.Contains("not-an-ip", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    [InlineData("-1,2", "\"'-1,2\"")]
    [InlineData(null, "")]
    public void CsvField_QuotesAndDefusesFormulas(string? value, string expected) => Assert.Equal(expected, Csv.Field(value));

    private async Task<(Member Owner, ClientId ClientId, ClientId OtherClient)> PracticeWithClientsAsync()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clientId = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(new ClientDetails(ClientName, new DateOnly(1990, 4, 2))), Client, Ct);
        var other = await As<CreateClientHandler>(owner).HandleAsync(new CreateClientCommand(new ClientDetails("Sam Ortiz", new DateOnly(1980, 1, 2))), Client, Ct);
        return (owner, clientId, other);
    }

    private Task<AuditEvent> RecordAsync(
        Member actor, AuditAction action, ClientId clientId, AuditResult result = AuditResult.Success, params (string Key, string Value)[] details) =>
        Fixture.Get<IAuditLog>().RecordAsync(Entry(actor, action, clientId, result, "client", details), Ct);

    private static AuditEntry Entry(
        Member actor, AuditAction action, ClientId? clientId, AuditResult result, string targetType, (string Key, string Value)[] details,
        string? targetId = null, string? ip = "203.0.113.7") =>
        new(
            actor.PracticeId, new AuditActor(actor.UserId, actor.Email), ip, "Firefox/140", action, targetType, targetId ?? clientId?.ToString(),
            clientId?.ToString(), result, details.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal));

    private static AuditEntry Entry(Member actor, AuditAction action, ClientId? clientId, AuditResult result, string targetType, params (string Key, string Value)[] details) =>
        Entry(actor, action, clientId, result, targetType, details, null);
}
