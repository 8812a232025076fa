using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance;
using Plexura.Core.Compliance.SearchAuditLog;
using Plexura.Core.Memberships;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Compliance;

/// <summary>The audit log viewer's use case on the real SQLite store: who may read, keyset paging, what is audited.</summary>
public sealed class SearchAuditLogHandlerTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    [Theory]
    [InlineData(PracticeRole.Owner)]
    [InlineData(PracticeRole.Admin)]
    [InlineData(PracticeRole.Compliance)]
    public async Task Search_AuditReader_SeesTheLogAndTheViewIsAuditedWithFilterNamesOnly(PracticeRole role)
    {
        var owner = await NewVerifiedPracticeAsync();
        var reader = role == PracticeRole.Owner ? owner : await AddMemberAsync(owner.PracticeId, role);
        var clientId = Guid.NewGuid().ToString("D");

        var page = await As<SearchAuditLogHandler>(reader).HandleAsync(
            new SearchAuditLogCommand(new AuditFilterInput(Client: clientId, Actions: ["PhiViewed"])), Client, Ct);

        Assert.Empty(page.Events);
        var viewed = (await AuditAsync(owner.PracticeId, AuditAction.AuditLogViewed))[0];
        Assert.Equal(AuditResult.Success, viewed.Result);
        Assert.Equal(SearchAuditLogHandler.TargetType, viewed.TargetType);
        Assert.Equal("action,client", viewed.Details["filters"]);
        Assert.Null(viewed.ClientId);
        Assert.DoesNotContain(viewed.Details.Values, v => v.Contains(clientId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_Clinician_IsRefusedAndAuditedDenied()
    {
        var owner = await NewVerifiedPracticeAsync();
        var clinician = await AddMemberAsync(owner.PracticeId, PracticeRole.Clinician);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<SearchAuditLogHandler>(clinician).HandleAsync(new SearchAuditLogCommand(new AuditFilterInput()), Client, Ct));

        var denied = (await AuditAsync(owner.PracticeId, AuditAction.AuditLogViewed))[0];
        Assert.Equal(AuditResult.Denied, denied.Result);
        Assert.Equal(clinician.UserId, denied.ActorUserId);
    }

    [Fact]
    public async Task Search_ComplianceWithoutSecondFactor_IsRefused()
    {
        var owner = await NewVerifiedPracticeAsync();
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance, hasMfa: false);

        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            As<SearchAuditLogHandler>(compliance).HandleAsync(new SearchAuditLogCommand(new AuditFilterInput()), Client, Ct));
    }

    [Fact]
    public async Task Search_AbsurdFilter_IsRefusedClearlyAndAuditedFailed()
    {
        var owner = await NewVerifiedPracticeAsync();

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => As<SearchAuditLogHandler>(owner).HandleAsync(
            new SearchAuditLogCommand(new AuditFilterInput(From: "1990-01-01", To: "2026-01-01", Actions: [.. Enumerable.Repeat("SignIn", 10_000)])), Client, Ct));

        Assert.Contains("7 years", error.Message, StringComparison.Ordinal);
        var failed = (await AuditAsync(owner.PracticeId, AuditAction.AuditLogViewed))[0];
        Assert.Equal(AuditResult.Failed, failed.Result);
        Assert.Equal("range-too-long", failed.Details["reason"]);
        Assert.Equal("from,to,action", failed.Details["filters"]);
    }

    [Fact]
    public async Task Search_OlderAndNewer_PageThroughTheMatchesWithoutGapsOrRepeats()
    {
        var owner = await NewVerifiedPracticeAsync();
        var log = Fixture.Get<IAuditLog>();
        var ip = "198.51.100.23";
        for (var i = 0; i < 7; i++)
        {
            await log.RecordAsync(new AuditEntry(owner.PracticeId, new AuditActor(owner.UserId, owner.Email), ip, "test", AuditAction.Exported,
                "client", $"t{i}", null, AuditResult.Success), Ct);
        }

        var handler = As<SearchAuditLogHandler>(owner);
        var filter = new AuditFilterInput(SourceIp: ip);
        var first = await handler.HandleAsync(new SearchAuditLogCommand(filter, PageSize: 3), Client, Ct);
        var second = await handler.HandleAsync(new SearchAuditLogCommand(filter, Before: first.Older, PageSize: 3), Client, Ct);
        var third = await handler.HandleAsync(new SearchAuditLogCommand(filter, Before: second.Older, PageSize: 3), Client, Ct);
        var back = await handler.HandleAsync(new SearchAuditLogCommand(filter, After: third.Newer, PageSize: 3), Client, Ct);

        Assert.Null(first.Newer);
        Assert.Equal(["t6", "t5", "t4"], first.Events.Select(e => e.TargetId));
        Assert.Equal(["t3", "t2", "t1"], second.Events.Select(e => e.TargetId));
        Assert.Equal(["t0"], third.Events.Select(e => e.TargetId));
        Assert.Null(third.Older);
        Assert.Equal(second.Events.Select(e => e.Sequence), back.Events.Select(e => e.Sequence));
        Assert.NotNull(back.Newer);
        Assert.NotNull(back.Older);
    }

    [Fact]
    public async Task Search_OtherPracticesEvents_AreNeverShown()
    {
        var other = await NewVerifiedPracticeAsync();
        var owner = await NewVerifiedPracticeAsync();

        var page = await As<SearchAuditLogHandler>(owner).HandleAsync(new SearchAuditLogCommand(new AuditFilterInput(), PageSize: 200), Client, Ct);

        Assert.NotEmpty(page.Events);
        Assert.All(page.Events, e => Assert.Equal(owner.PracticeId, e.PracticeId));
        Assert.DoesNotContain(page.Events, e => e.ActorUserId == other.UserId);
    }
}
