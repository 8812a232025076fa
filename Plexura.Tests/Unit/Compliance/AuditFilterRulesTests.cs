using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance;

namespace Plexura.Tests.Unit.Compliance;

/// <summary>The audit-log filter limits shared by the compliance pages: absurd input refused with a clear message.</summary>
public sealed class AuditFilterRulesTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void Parse_DatesInPracticeZone_CoverWholeDaysThere()
    {
        var filter = AuditFilterRules.ParseOrThrow(new AuditFilterInput(From: "2026-12-01", To: "2026-12-01"), NewYork);

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), filter.From);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 5, 0, 0, TimeSpan.Zero), filter.To);
        Assert.Equal(["from", "to"], filter.SetNames());
    }

    [Fact]
    public void Parse_EveryFilter_IsParsedToItsCanonicalForm()
    {
        var actor = UserId.New();
        var client = Guid.NewGuid();

        var filter = AuditFilterRules.ParseOrThrow(
            new AuditFilterInput("2026-12-01T09:30:00Z", "2026-12-02T00:00:00+01:00", ["phiviewed", "Exported", "PhiViewed"], actor.ToString(),
                client.ToString("D").ToUpperInvariant(), "denied", "client", "abc", " 203.0.113.7 "),
            TimeZoneInfo.Utc);

        Assert.Equal([AuditAction.PhiViewed, AuditAction.Exported], filter.Actions);
        Assert.Equal(actor, filter.Actor);
        Assert.Equal(client.ToString("D"), filter.ClientId);
        Assert.Equal(AuditResult.Denied, filter.Result);
        Assert.Equal("203.0.113.7", filter.SourceIp);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 23, 0, 0, TimeSpan.Zero), filter.To);
        Assert.Equal(["from", "to", "action", "actor", "client", "result", "target-type", "target-id", "ip"], filter.SetNames());
    }

    [Theory]
    [InlineData("2000-01-01", "2026-12-01", "range-too-long")]
    [InlineData("2026-12-05", "2026-12-01", "range-reversed")]
    [InlineData("yesterday", null, "bad-date")]
    [InlineData("2025-03-04T10:15:00", null, "bad-date")]
    public void Parse_AbsurdRange_IsRefusedWithItsCode(string? from, string? to, string code)
    {
        var (filter, problem) = AuditFilterRules.Parse(new AuditFilterInput(From: from, To: to), TimeZoneInfo.Utc);

        Assert.Null(filter);
        Assert.Equal(code, problem?.Code);
        Assert.False(string.IsNullOrWhiteSpace(problem?.Message));
        Assert.DoesNotContain(from!, problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TenThousandActions_IsRefused()
    {
        var (filter, problem) = AuditFilterRules.Parse(new AuditFilterInput(Actions: [.. Enumerable.Repeat("SignIn", 10_000)]), TimeZoneInfo.Utc);

        Assert.Null(filter);
        Assert.Equal("too-many-values", problem?.Code);
    }

    [Theory]
    [InlineData(null, "Dana Reyes", null, null, "bad-client")]
    [InlineData("dana@example.com", null, null, null, "bad-actor")]
    [InlineData(null, null, "Maybe", null, "unknown-result")]
    [InlineData(null, null, "1", null, "unknown-result")]
    [InlineData(null, null, null, "999.1.1.1", "bad-ip")]
    public void Parse_BadIdsAndNames_AreRefusedWithoutRepeatingTheValue(string? actor, string? client, string? result, string? ip, string code)
    {
        var (filter, problem) = AuditFilterRules.Parse(new AuditFilterInput(Actor: actor, Client: client, Result: result, SourceIp: ip), TimeZoneInfo.Utc);

        Assert.Null(filter);
        Assert.Equal(code, problem?.Code);
        Assert.DoesNotContain("Dana", problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownOrNumericAction_AndOverlongText_AreRefused()
    {
        Assert.Equal("unknown-action", AuditFilterRules.Parse(new AuditFilterInput(Actions: ["Teleported"]), TimeZoneInfo.Utc).Problem?.Code);
        Assert.Equal("unknown-action", AuditFilterRules.Parse(new AuditFilterInput(Actions: ["3"]), TimeZoneInfo.Utc).Problem?.Code);
        Assert.Equal("bad-text", AuditFilterRules.Parse(new AuditFilterInput(TargetId: new string('x', 129)), TimeZoneInfo.Utc).Problem?.Code);
        Assert.Equal("bad-text", AuditFilterRules.Parse(new AuditFilterInput(TargetType: "a\u0000b"), TimeZoneInfo.Utc).Problem?.Code);
    }

    [Fact]
    public void ParseOrThrow_Refused_ThrowsValidationFailed()
    {
        Assert.Throws<ValidationFailedException>(() => AuditFilterRules.ParseOrThrow(new AuditFilterInput(Result: "nope"), TimeZoneInfo.Utc));
    }
}
