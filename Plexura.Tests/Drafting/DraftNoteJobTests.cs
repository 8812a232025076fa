using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Plexura.Core;
using Plexura.Core.Common;
using Plexura.Core.Jobs;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;
using Plexura.Infrastructure;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Drafting;
using Plexura.Tests.Fakes;
using Plexura.Tests.Transcription;

namespace Plexura.Tests.Drafting;

/// <summary>The drafting job: stream, publish, store; retry what may pass, fail clearly what will not, and store nothing on failure.</summary>
public sealed class DraftNoteJobTests
{
    private static readonly PracticeId Practice = new(Guid.CreateVersion7());
    private static readonly DraftNotePayload Payload = new(NoteId.New(), null, 1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<string> _logs = new();
    private readonly InProcessNoteDraftFeed _feed = new(NullLogger<InProcessNoteDraftFeed>.Instance);
    private readonly InMemoryNoteDraftingStore _store = new(new DraftingWork(
        Payload.NoteId, new ClientId(Guid.CreateVersion7()), new ClinicalSessionId(Guid.CreateVersion7()), DraftSamples.Template.Sections, DraftSamples.Transcript));

    private readonly ScriptedNoteDrafter _drafter = new();

    [Fact]
    public async Task A_draft_streams_to_the_feed_and_is_stored_once_complete()
    {
        var partial = Draft(("subjective", "Client rep"));
        var final = Draft(("subjective", "Client reported poor sleep."), ("plan", "Sleep diary."));
        _drafter.Yield(partial).Yield(final);
        var progress = Subscribe();

        var outcome = await Job().RunAsync(Context(), CancellationToken.None);

        Assert.Equal(JobOutcome.Done, outcome);
        var applied = Assert.Single(_store.Applied);
        Assert.Same(final, applied.Draft);
        Assert.Equal((Practice, Payload), (applied.Practice, applied.Job));
        Assert.Empty(_store.Failed);
        Assert.Equal([partial, final, final], progress.Select(p => p.Draft));
        Assert.Equal([false, false, true], progress.Select(p => p.IsComplete));
        Assert.All(progress, p => Assert.Null(p.FailureCode));
        Assert.All(progress, p => Assert.Equal(_time.GetUtcNow(), p.FirstTokenAt));
        Assert.DoesNotContain(_logs, l => l.Contains("poor sleep", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Progress_is_published_at_each_new_statement_and_otherwise_at_most_every_interval()
    {
        var quarter = DraftNoteJob.ProgressInterval / 4;
        _drafter
            .Yield(Draft(("subjective", "C")))
            .Yield(Draft(("subjective", "Cl")), () => _time.Advance(quarter))
            .Yield(Draft(("subjective", "Cli")), () => _time.Advance(quarter))
            .Yield(Draft(("subjective", "Clie")), () => _time.Advance(DraftNoteJob.ProgressInterval))
            .Yield(Draft(("subjective", "Client.")), () => _time.Advance(quarter))
            .Yield(Draft(("subjective", "Client."), ("subjective", "S")), () => _time.Advance(quarter))
            .Yield(Draft(("subjective", "Client."), ("subjective", "Slept.")), () => _time.Advance(quarter));
        var progress = Subscribe();

        await Job().RunAsync(Context(), CancellationToken.None);

        Assert.Equal(
            ["C", "Clie", "Client.|S", "Client.|Slept. (complete)"],
            progress.Select(p => string.Join('|', p.Draft.Sections.SelectMany(s => s.Statements.Select(st => st.Text))) + (p.IsComplete ? " (complete)" : string.Empty)));
        Assert.All(progress, p => Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), p.FirstTokenAt));
    }

    [Fact]
    public async Task Nothing_to_draft_ends_the_job_without_asking_the_model()
    {
        var store = new InMemoryNoteDraftingStore(null);
        var outcome = await Job(store).RunAsync(Context(), CancellationToken.None);
        Assert.Equal(JobOutcome.Done, outcome);
        Assert.Equal(0, _drafter.Calls);
        Assert.Empty(store.Applied);
        Assert.Empty(store.Failed);
    }

    [Fact]
    public async Task A_transient_failure_is_retried_after_the_wait_asked_for_and_nothing_is_stored()
    {
        _drafter.Yield(Draft(("subjective", "Client rep")));
        _drafter.Failure = new NoteDraftingFailedException(isTransient: true, TimeSpan.FromSeconds(17), NoteDraftingFailedException.RateLimited);
        var progress = Subscribe();

        var outcome = await Job().RunAsync(Context(), CancellationToken.None);

        Assert.Equal(JobOutcomeKind.RetryLater, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(17), outcome.RetryAfter);
        Assert.Equal(NoteDraftingFailedException.RateLimited, outcome.Code);
        Assert.Empty(_store.Applied);
        Assert.Empty(_store.Failed);

        // An open editor learns that the stream stopped, with the partial draft it already shows.
        var last = progress[^1];
        Assert.Equal(NoteDraftingFailedException.RateLimited, last.FailureCode);
        Assert.False(last.IsComplete);
        Assert.Equal("Client rep", last.Draft.Sections[0].Statements[0].Text);
    }

    [Fact]
    public async Task A_transient_failure_of_the_last_attempt_fails_the_note()
    {
        _drafter.Failure = new NoteDraftingFailedException(isTransient: true, null, "http-500");
        var outcome = await Job().RunAsync(Context(attempt: 8, isLastAttempt: true), CancellationToken.None);

        Assert.Equal(JobOutcomeKind.Failed, outcome.Kind);
        Assert.Equal("http-500", outcome.Code);
        Assert.Equal([(Practice, Payload, "http-500")], _store.Failed);
        Assert.Empty(_store.Applied);
    }

    [Fact]
    public async Task A_permanent_failure_fails_the_note_at_once_and_is_published()
    {
        _drafter.Yield(Draft(("subjective", "Client reported")));
        _drafter.Failure = new NoteDraftingFailedException(isTransient: false, null, NoteDraftingFailedException.Refused);
        var progress = Subscribe();

        var outcome = await Job().RunAsync(Context(), CancellationToken.None);

        Assert.Equal(JobOutcomeKind.Failed, outcome.Kind);
        Assert.Equal([(Practice, Payload, NoteDraftingFailedException.Refused)], _store.Failed);
        Assert.Empty(_store.Applied);
        Assert.Equal(NoteDraftingFailedException.Refused, progress[^1].FailureCode);
    }

    [Fact]
    public async Task Unusable_output_is_retried_once_then_fails()
    {
        _drafter.Failure = new NoteDraftingFailedException(isTransient: true, null, NoteDraftingFailedException.SchemaViolation);

        var first = await Job().RunAsync(Context(attempt: 1), CancellationToken.None);
        Assert.Equal(JobOutcomeKind.RetryLater, first.Kind);
        Assert.Empty(_store.Failed);

        var second = await Job().RunAsync(Context(attempt: 2), CancellationToken.None);
        Assert.Equal(JobOutcomeKind.Failed, second.Kind);
        Assert.Equal(NoteDraftingFailedException.SchemaViolation, second.Code);
        Assert.Equal([(Practice, Payload, NoteDraftingFailedException.SchemaViolation)], _store.Failed);
        Assert.Empty(_store.Applied);
    }

    [Fact]
    public async Task Without_a_model_the_job_waits_without_using_an_attempt()
    {
        _drafter.IsConfigured = false;
        var outcome = await Job().RunAsync(Context(), CancellationToken.None);
        Assert.Equal(JobOutcomeKind.Postponed, outcome.Kind);
        Assert.Equal(DraftNoteJob.NotConfiguredRetry, outcome.RetryAfter);
        Assert.Empty(_store.Begun);
    }

    [Fact]
    public async Task A_drafter_that_ends_without_a_draft_stores_nothing()
    {
        var outcome = await Job().RunAsync(Context(), CancellationToken.None);
        Assert.Equal(JobOutcomeKind.RetryLater, outcome.Kind);
        Assert.Equal(NoteDraftingFailedException.CutOff, outcome.Code);
        Assert.Empty(_store.Applied);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("""{"noteId":"00000000-0000-0000-0000-000000000000","request":1}""")]
    [InlineData("""{"noteId":"0193a5e0-0000-7000-8000-000000000001","request":0}""")]
    public async Task A_bad_payload_fails_the_job(string payload)
    {
        var outcome = await Job().RunAsync(new JobContext(JobId.New(), DraftNotePayload.JobKind, Practice, payload, 1), CancellationToken.None);
        Assert.Equal(JobOutcome.Failed(DraftNoteJob.BadPayload).Code, outcome.Code);
        Assert.Empty(_store.Begun);
    }

    [Fact]
    public async Task A_job_without_a_practice_fails()
    {
        var outcome = await Job().RunAsync(new JobContext(JobId.New(), DraftNotePayload.JobKind, null, DraftNoteJob.PayloadOf(Payload), 1), CancellationToken.None);
        Assert.Equal(DraftNoteJob.BadPayload, outcome.Code);
    }

    [Fact]
    public void The_payload_reads_back_from_its_own_and_the_default_serialization()
    {
        var redraft = new DraftNotePayload(NoteId.New(), "plan", 3);
        Assert.Equal(redraft, DraftNoteJob.Parse(DraftNoteJob.PayloadOf(redraft)));
        Assert.Equal(redraft, DraftNoteJob.Parse(JsonSerializer.Serialize(redraft)));
        Assert.Equal($"draft-note/{redraft.NoteId}/3", redraft.DedupeKey);
    }

    [Fact]
    public async Task Through_the_real_adapter_a_rate_limited_draft_is_retried_and_then_stored()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.FailNextWithRateLimit(1, "17").ReplyNext(new FakeChatReply(DraftSamples.GoodJson, ChunkSize: 9));
        var drafter = new OpenAiNoteDrafter(
            new FixedOptionsMonitor<OpenAiOptions>(new OpenAiOptions { ApiKey = "sk-test", Endpoint = server.Endpoint.ToString(), DraftingModel = DraftSamples.Model }),
            _time,
            NullLogger<OpenAiNoteDrafter>.Instance);
        var progress = Subscribe();

        var first = await Job(drafter: drafter).RunAsync(Context(attempt: 1), CancellationToken.None);
        Assert.Equal(JobOutcomeKind.RetryLater, first.Kind);
        Assert.Equal(TimeSpan.FromSeconds(17), first.RetryAfter);
        Assert.Empty(_store.Applied);

        var second = await Job(drafter: drafter).RunAsync(Context(attempt: 2), CancellationToken.None);
        Assert.Equal(JobOutcome.Done, second);
        var applied = Assert.Single(_store.Applied).Draft;
        Assert.Equal(3, applied.Sections.Sum(s => s.Statements.Count));
        Assert.True(progress.Count(p => p.FailureCode is null && !p.IsComplete) >= 3);
        Assert.True(progress[^1].IsComplete);
    }

    [Fact]
    public void The_job_the_feed_and_the_adapter_are_registered()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection().AddPlexuraCore().AddPlexuraInfrastructure(configuration, Path.GetTempPath());

        Assert.Contains(services, d => d.ServiceType == typeof(IJobHandler) && d.ImplementationType == typeof(DraftNoteJob));
        Assert.Contains(services, d => d.ServiceType == typeof(INoteDraftFeed) && d.ImplementationType == typeof(InProcessNoteDraftFeed) && d.Lifetime == ServiceLifetime.Singleton);
        Assert.Equal(typeof(OpenAiNoteDrafter), services.Last(d => d.ServiceType == typeof(INoteDrafter)).ImplementationType);

        // The notes feature's store, registered later, replaces the empty one.
        services.AddSingleton<INoteDraftingStore>(_store);
        using var provider = services.BuildServiceProvider();
        Assert.Same(_store, provider.GetRequiredService<INoteDraftingStore>());
    }

    private static NoteDraft Draft(params (string Key, string Text)[] statements) =>
        new([.. statements.GroupBy(s => s.Key).Select(g => new DraftedSection(g.Key, [.. g.Select(s => new DraftedStatement(s.Text, [new PassageRef(0, 1)], false))]))], DraftSamples.Model);

    private static JobContext Context(int attempt = 1, bool isLastAttempt = false) =>
        new(JobId.New(), DraftNotePayload.JobKind, Practice, DraftNoteJob.PayloadOf(Payload), attempt, isLastAttempt);

    private List<DraftProgress> Subscribe()
    {
        var seen = new List<DraftProgress>();
        _feed.Subscribe(Practice, Payload.NoteId, seen.Add);
        return seen;
    }

    private DraftNoteJob Job(InMemoryNoteDraftingStore? store = null, INoteDrafter? drafter = null)
    {
        var loggers = LoggerFactory.Create(b => b.AddProvider(new CapturingLoggerProvider(_logs)));
        return new DraftNoteJob(store ?? _store, drafter ?? _drafter, _feed, _time, loggers.CreateLogger<DraftNoteJob>());
    }
}
