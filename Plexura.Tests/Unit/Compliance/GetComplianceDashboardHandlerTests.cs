using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance.GetComplianceDashboard;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Compliance;

/// <summary>The dashboard use case on SQLite: who may open it, what it audits, and each card's rule end to end.</summary>
public sealed class GetComplianceDashboardHandlerTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    [Fact]
    public async Task Dashboard_Owner_FlagsRepeatedFailedSignInsByAccountAndAddressAndAuditsTheViewWithoutFilters()
    {
        var owner = await NewPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        for (var i = 0; i < 5; i++)
        {
            await AppendAsync(owner.PracticeId, Now.AddHours(-2).AddMinutes(i), AuditAction.SignInFailed, clinician.UserId, ip: $"198.51.100.{i}");
        }

        for (var i = 0; i < 10; i++)
        {
            await AppendAsync(owner.PracticeId, Now.AddHours(-3).AddMinutes(i), AuditAction.SignInFailed, null, ip: "203.0.113.50");
        }

        await AppendAsync(owner.PracticeId, Now.AddHours(-30), AuditAction.SignInFailed, owner.UserId); // older than 24 hours

        var dashboard = await As<GetComplianceDashboardHandler>(owner).HandleAsync(new GetComplianceDashboardQuery(), Client, Ct);

        Assert.Equal(
            [("Sam Lee", 5L, (UserId?)clinician.UserId, (string?)null), ("203.0.113.50", 10L, null, "203.0.113.50")],
            dashboard.FailedSignIns.Items.Select(i => (i.Label, i.Count, i.Filter.Actor, i.Filter.SourceIp)));
        Assert.All(dashboard.FailedSignIns.Items, i => Assert.Equal(AuditAction.SignInFailed, i.Filter.Action));
        Assert.Equal(30, dashboard.Days.Count);
        Assert.Equal(16, dashboard.SignInFailures.Sum());
        Assert.Null(dashboard.Chain.Latest);
        Assert.False(dashboard.AfterHours.HoursSet);
        var viewed = (await AuditAsync(owner.PracticeId, AuditAction.AuditLogViewed))[0];
        Assert.Equal((GetComplianceDashboardHandler.Target, AuditResult.Success, owner.UserId), (viewed.TargetType, viewed.Result, viewed.ActorUserId));
        Assert.Equal(new Dictionary<string, string> { ["days"] = "30" }, viewed.Details);
    }

    [Theory]
    [InlineData(PracticeRole.Clinician, true)]
    [InlineData(PracticeRole.Compliance, false)]
    public async Task Dashboard_ClinicianOrMemberWithoutSecondFactor_IsRefusedAndAudited(PracticeRole role, bool hasMfa)
    {
        var owner = await NewPracticeAsync();
        var member = await AddMemberAsync(owner.PracticeId, role, hasMfa);

        await Assert.ThrowsAsync<AccessDeniedException>(() => As<GetComplianceDashboardHandler>(member).HandleAsync(new GetComplianceDashboardQuery(), Client, Ct));

        var denied = (await AuditAsync(owner.PracticeId, AuditAction.AuditLogViewed)).Single();
        Assert.Equal((AuditResult.Denied, member.UserId, GetComplianceDashboardHandler.Target), (denied.Result, denied.ActorUserId, denied.TargetType));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(367)]
    public async Task Dashboard_RangeOutsideOneToAYear_IsRefusedClearly(int days)
    {
        var owner = await NewPracticeAsync();
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => As<GetComplianceDashboardHandler>(compliance).HandleAsync(new GetComplianceDashboardQuery(days), Client, Ct));

        Assert.Equal(GetComplianceDashboardHandler.BadRangeMessage, error.Message);
    }

    [Fact]
    public async Task Dashboard_WorkingHoursSet_FlagsAccessAtNightInThePracticesZone()
    {
        var owner = await NewPracticeAsync();
        var practices = Fixture.Get<IPracticeRepository>();
        var practice = await practices.GetAsync(owner.PracticeId, Ct);
        var allWeek = new WorkingHours(Enum.GetValues<DayOfWeek>(), new TimeOnly(8, 0), new TimeOnly(18, 0));
        await practices.UpdateAsync(owner.PracticeId, practice! with { TimeZoneId = "America/New_York", WorkingHours = allWeek }, Ct);
        var zone = PracticeTimeZone.Find("America/New_York");
        var yesterday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, zone).DateTime).AddDays(-1);
        var night = new DateTimeOffset(yesterday.ToDateTime(new TimeOnly(3, 0)), zone.GetUtcOffset(yesterday.ToDateTime(new TimeOnly(3, 0))));
        var noon = night.AddHours(9);
        await AppendAsync(owner.PracticeId, night, AuditAction.PhiViewed, owner.UserId, client: "c1");
        await AppendAsync(owner.PracticeId, night.AddMinutes(5), AuditAction.Exported, owner.UserId, client: "c2");
        await AppendAsync(owner.PracticeId, noon, AuditAction.PhiViewed, owner.UserId, client: "c3");
        await AppendAsync(owner.PracticeId, night, AuditAction.SignIn, owner.UserId);

        var dashboard = await As<GetComplianceDashboardHandler>(owner).HandleAsync(new GetComplianceDashboardQuery(7), Client, Ct);

        Assert.True(dashboard.AfterHours.HoursSet);
        var item = Assert.Single(dashboard.AfterHours.Card.Items);
        Assert.Equal((2L, (UserId?)owner.UserId), (item.Count, item.Filter.Actor));
        Assert.Equal("America/New_York", dashboard.TimeZoneId);
    }

    [Fact]
    public async Task Dashboard_MemberOpensFarMoreClientsThanUsual_IsFlaggedWithTheirBaseline()
    {
        var owner = await NewPracticeAsync();
        var busy = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        var steady = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);
        for (var day = 2; day <= 8; day++)
        {
            foreach (var member in new[] { busy, steady })
            {
                for (var c = 0; c < 4; c++)
                {
                    await AppendAsync(owner.PracticeId, Now.AddDays(-day), AuditAction.PhiViewed, member.UserId, client: $"c{c}");
                }
            }
        }

        for (var c = 0; c < 12; c++)
        {
            await AppendAsync(owner.PracticeId, Now.AddHours(-1), AuditAction.PhiViewed, busy.UserId, client: $"n{c}");
            await AppendAsync(owner.PracticeId, Now.AddHours(-1), AuditAction.PhiViewed, steady.UserId, client: $"c{c % 5}");
        }

        var dashboard = await As<GetComplianceDashboardHandler>(owner).HandleAsync(new GetComplianceDashboardQuery(), Client, Ct);

        var item = Assert.Single(dashboard.UnusualAccess.Items);
        Assert.Equal((12L, (UserId?)busy.UserId), (item.Count, item.Filter.Actor));
        Assert.Contains("usually 4 a day", item.Detail, StringComparison.Ordinal);
        Assert.Equal([40L, 40L], dashboard.PhiViewsByMember.Select(m => m.Count));
    }

    [Fact]
    public async Task Dashboard_BreakGlassUse_IsCountedPerMember()
    {
        var owner = await NewPracticeAsync();
        var admin = await AddMemberAsync(owner.PracticeId, PracticeRole.Admin);
        await AppendAsync(owner.PracticeId, Now.AddDays(-3), AuditAction.EmergencyAccess, admin.UserId, client: "c1");
        await AppendAsync(owner.PracticeId, Now.AddDays(-3).AddMinutes(2), AuditAction.EmergencyAccess, admin.UserId, client: "c1");

        var dashboard = await As<GetComplianceDashboardHandler>(admin).HandleAsync(new GetComplianceDashboardQuery(7), Client, Ct);

        var item = Assert.Single(dashboard.BreakGlass.Items);
        Assert.Equal((2L, AuditAction.EmergencyAccess, (UserId?)admin.UserId), (item.Count, item.Filter.Action, item.Filter.Actor));
    }

    private Task<AuditEvent> AppendAsync(PracticeId practice, DateTimeOffset at, AuditAction action, UserId? actor, string? client = null, string? ip = null) =>
        Fixture.Get<IAuditStore>().AppendAsync(practice, head =>
        {
            var millis = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
            var e = new AuditEvent(
                Guid.CreateVersion7(), practice, head.Sequence + 1, millis, actor, null, ip, null, action, client is null ? null : "client", client, client,
                action == AuditAction.SignInFailed ? AuditResult.Failed : AuditResult.Success, new Dictionary<string, string>(), head.Hash, string.Empty);
            return e with { Hash = AuditHasher.ComputeHash(e) };
        }, Ct);
}
