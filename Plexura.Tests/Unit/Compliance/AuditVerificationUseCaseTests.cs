using Microsoft.Data.Sqlite;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Checkpoints;
using Plexura.Core.Email;
using Plexura.Core.Memberships;
using Plexura.Tests.Persistence;
using Plexura.Tests.Unit.Practices;

namespace Plexura.Tests.Unit.Compliance;

/// <summary>
/// Chain verification through the use cases on SQLite, with the database changed behind the app's back by raw SQL:
/// an altered row is found at its sequence; a rewrite with every later hash recomputed by the app's own hasher is found
/// only given an earlier checkpoint (stored or pasted); a forged pasted checkpoint is refused and audited.
/// </summary>
public sealed class AuditVerificationUseCaseTests(SqliteStorageFixture fixture) : PracticeUseCaseTestBase(fixture)
{
    [Fact]
    public async Task Verify_RowAlteredByRawSql_IsFoundAtItsExactSequence_RecordedAuditedAndAlerted()
    {
        var owner = await NewPracticeAsync();
        var compliance = await AddMemberAsync(owner.PracticeId, PracticeRole.Compliance);
        await RecordAsync(owner.PracticeId, 12);
        var target = (await HeadAsync(owner.PracticeId)) - 5;
        await AlterAsync(owner.PracticeId, target);

        var result = await VerifyAsync(compliance, null);

        Assert.False(result.IsValid);
        Assert.Equal(target, result.FirstBadSequence);
        Assert.Contains("altered", result.Problem, StringComparison.Ordinal);
        var stored = await Fixture.Get<IAuditCheckpointStore>().ListVerificationsAsync(owner.PracticeId, 5, Ct);
        Assert.Equal(result.Id, stored[0].Id);
        Assert.Equal(compliance.Email, stored[0].By);
        var audited = (await AuditAsync(owner.PracticeId, AuditAction.AuditChainVerified))[0];
        Assert.Equal((AuditResult.Failed, $"{target}"), (audited.Result, audited.Details["firstBadSequence"]));
        var latest = await Fixture.Get<IAuditVerificationResults>().LatestAsync(owner.PracticeId, Ct);
        Assert.Equal((false, (long?)target), (latest!.IsValid, latest.FirstBadSequence));

        var alerts = (await Fixture.Get<IOutboxRepository>().ListNewestAsync(500, Ct)).Where(m => m.Kind == "audit-chain-broken").ToList();
        Assert.Contains(alerts, m => string.Equals(m.To, owner.Email, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(alerts, m => string.Equals(m.To, compliance.Email, StringComparison.OrdinalIgnoreCase));
        Assert.All(alerts, m => Assert.Contains("/compliance/verification", m.TextBody, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_RewriteWithLaterHashesRecomputed_PassesWithoutCheckpoint_IsFoundGivenAnEarlierStoredCheckpoint()
    {
        var owner = await NewPracticeAsync();
        await RecordAsync(owner.PracticeId, 8);
        var checkpoint = await Fixture.Get<IAuditCheckpointService>().CreateAsync(owner.PracticeId, "on-demand", Ct);
        await RecordAsync(owner.PracticeId, 4);
        var rewritten = checkpoint.Sequence - 3;
        await RewriteAndRecomputeAsync(owner.PracticeId, rewritten);

        Assert.True((await Fixture.Get<AuditChainVerifier>().VerifyAsync(owner.PracticeId, Ct)).IsValid);
        var result = await VerifyAsync(owner, null);

        Assert.False(result.IsValid);
        Assert.Equal(checkpoint.Sequence, result.FirstBadSequence);
        Assert.Contains("checkpoint", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RewriteFoundGivenAPastedCheckpoint_AndTheCheckpointEmailHoldsHashesOnly()
    {
        // A second practice: its chain has no stored checkpoint of its own once we take the block from the email.
        var owner = await NewPracticeAsync();
        await RecordAsync(owner.PracticeId, 6);
        var checkpoint = await Fixture.Get<IAuditCheckpointService>().CreateAsync(owner.PracticeId, "export", Ct);
        var email = (await Fixture.Get<IOutboxRepository>().ListNewestAsync(500, Ct))
            .First(m => m.Kind == "audit-checkpoint" && string.Equals(m.To, owner.Email, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(checkpoint.Hash, email.TextBody, StringComparison.Ordinal);
        await RecordAsync(owner.PracticeId, 3);
        await RewriteAndRecomputeAsync(owner.PracticeId, 2);

        var result = await VerifyAsync(owner, email.TextBody);

        Assert.False(result.IsValid);
        Assert.True(result.PastedCheckpoint);
        Assert.Equal(checkpoint.Sequence, result.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_ForgedPastedCheckpoint_IsRefusedClearly_AndAudited_AndNothingRuns()
    {
        var owner = await NewPracticeAsync();
        await RecordAsync(owner.PracticeId, 3);
        var checkpoint = await Fixture.Get<IAuditCheckpointService>().CreateAsync(owner.PracticeId, "on-demand", Ct);
        var forged = checkpoint.SignedBlock.Replace($"Sequence: {checkpoint.Sequence}", $"Sequence: {checkpoint.Sequence - 1}", StringComparison.Ordinal);
        var before = await Fixture.Get<IAuditCheckpointStore>().ListVerificationsAsync(owner.PracticeId, 5, Ct);

        var e = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<StartAuditVerificationHandler>(owner).HandleAsync(new StartAuditVerificationCommand(forged), Client, Ct));

        Assert.Contains("forged", e.Message, StringComparison.Ordinal);
        var audited = (await AuditAsync(owner.PracticeId, AuditAction.AuditChainVerified))[0];
        Assert.Equal((AuditResult.Failed, "pasted-checkpoint"), (audited.Result, audited.Details["refused"]));
        Assert.Equal(before.Count, (await Fixture.Get<IAuditCheckpointStore>().ListVerificationsAsync(owner.PracticeId, 5, Ct)).Count);
    }

    [Fact]
    public async Task Verify_CheckpointOfAnotherPractice_IsRefused()
    {
        var mine = await NewPracticeAsync();
        var theirs = await NewPracticeAsync();
        var their = await Fixture.Get<IAuditCheckpointService>().CreateAsync(theirs.PracticeId, "on-demand", Ct);

        var e = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            As<StartAuditVerificationHandler>(mine).HandleAsync(new StartAuditVerificationCommand(their.SignedBlock), Client, Ct));

        Assert.Contains("another practice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_IntactChain_IsValid_ExtendsEveryCheckpoint_AndTheDailyJobAddsACheckpoint()
    {
        var owner = await NewPracticeAsync();
        await RecordAsync(owner.PracticeId, 5);
        await Fixture.Get<IAuditCheckpointService>().CreateAsync(owner.PracticeId, "on-demand", Ct);
        await RecordAsync(owner.PracticeId, 2);

        var job = new AuditCheckpointJob(Fixture.Get<IAuditCheckpointService>(), Fixture.Get<AuditVerificationRunner>());
        await job.RunAsync(new Core.Jobs.JobContext(Core.Jobs.JobId.New(), AuditCheckpointJob.JobKind, owner.PracticeId, "{}", 1), Ct);

        var stored = await Fixture.Get<IAuditCheckpointStore>().ListVerificationsAsync(owner.PracticeId, 5, Ct);
        Assert.True(stored[0].IsValid, stored[0].Problem);
        Assert.Equal((1, "daily job"), (stored[0].CheckpointsChecked, stored[0].By));
        Assert.Equal(2, (await Fixture.Get<IAuditCheckpointStore>().ListCheckpointsAsync(owner.PracticeId, Ct)).Count);
    }

    private async Task<AuditVerification> VerifyAsync(Member member, string? pasted)
    {
        var run = await As<StartAuditVerificationHandler>(member).HandleAsync(new StartAuditVerificationCommand(pasted), Client, Ct);
        var current = Fixture.Get<AuditVerificationRunner>().Current(member.PracticeId);
        Assert.Equal(run.Id, current!.Id);
        return await current.Completion;
    }

    private async Task RecordAsync(PracticeId practiceId, int count)
    {
        var log = Fixture.Get<IAuditLog>();
        for (var i = 0; i < count; i++)
        {
            await log.RecordAsync(
                new AuditEntry(practiceId, new AuditActor(UserId.New(), "dana@example.com"), "198.51.100.4", "Firefox",
                    AuditAction.PhiViewed, "client", $"t-{i}", $"c-{i}", AuditResult.Success, new Dictionary<string, string> { ["n"] = $"{i}" }),
                Ct);
        }
    }

    private async Task<long> HeadAsync(PracticeId practiceId) =>
        (await Fixture.Get<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Limit: 1), Ct))[0].Sequence;

    private async Task<SqliteConnection> OpenRawAsync()
    {
        var connection = new SqliteConnection($"Data Source={Fixture.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var drop = connection.CreateCommand();
        drop.CommandText = "DROP TRIGGER IF EXISTS audit_events_no_update";
        await drop.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>Changes one row's actor email, leaving its hash as it was.</summary>
    private async Task AlterAsync(PracticeId practiceId, long sequence)
    {
        await using var connection = await OpenRawAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE audit_events SET actor_email = 'someone-else@example.com' WHERE practice_id = $p AND sequence = $s";
        command.Parameters.AddWithValue("$p", practiceId.ToString());
        command.Parameters.AddWithValue("$s", sequence);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>
    /// What someone who can write the database can do: change one event, then recompute its hash and every later
    /// event's previous hash and hash with the app's own <see cref="AuditHasher"/>, so the chain verifies on its own.
    /// </summary>
    private async Task RewriteAndRecomputeAsync(PracticeId practiceId, long from)
    {
        var events = new List<AuditEvent>();
        await foreach (var e in Fixture.Get<IAuditStore>().ReadChainAsync(practiceId, from - 1, Ct))
        {
            events.Add(e);
        }

        await using var connection = await OpenRawAsync();
        var previous = events[0].Hash;
        foreach (var original in events.Skip(1))
        {
            var e = original with { PreviousHash = previous };
            if (original.Sequence == from)
            {
                e = e with { ActorEmail = "forger@example.com" };
            }

            e = e with { Hash = AuditHasher.ComputeHash(e) };
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_events SET actor_email = $email, previous_hash = $prev, hash = $hash WHERE practice_id = $p AND sequence = $s";
            command.Parameters.AddWithValue("$email", (object?)e.ActorEmail ?? DBNull.Value);
            command.Parameters.AddWithValue("$prev", e.PreviousHash);
            command.Parameters.AddWithValue("$hash", e.Hash);
            command.Parameters.AddWithValue("$p", practiceId.ToString());
            command.Parameters.AddWithValue("$s", e.Sequence);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
            previous = e.Hash;
        }
    }
}
