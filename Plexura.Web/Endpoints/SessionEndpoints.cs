using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Plexura.Core.Common;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.Audio;
using Plexura.Core.Sessions.ChangeRecording;
using Plexura.Core.Sessions.GetSession;
using Plexura.Core.Sessions.ListSessions;
using Plexura.Core.Sessions.StartRecording;
using Plexura.Core.Sessions.StoreAudioChunk;
using Plexura.Core.Transcription.RetryTranscription;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;

namespace Plexura.Web.Endpoints;

/// <summary>A clinical session as the recorder and the pages see it: ids, state and counts, no PHI.</summary>
/// <param name="Id">The session.</param>
/// <param name="ClientId">Its client.</param>
/// <param name="ClinicianUserId">Who records it.</param>
/// <param name="Status"><c>recording</c>, <c>paused</c>, <c>stopped</c>, <c>transcribing</c>, <c>transcribed</c> or <c>failed</c>.</param>
/// <param name="StartedAt">When recording started.</param>
/// <param name="StoppedAt">When it was stopped, or null.</param>
/// <param name="StoredChunks">How many chunks are stored.</param>
/// <param name="NextSequence">The first sequence number not stored: every chunk before it is (null in lists).</param>
/// <param name="ChunkCount">How many chunks the recorder said it captured when stopping, or null.</param>
/// <param name="SegmentCount">How many transcription segments have been queued.</param>
public sealed record SessionResponse(
    ClinicalSessionId Id,
    ClientId ClientId,
    UserId ClinicianUserId,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? StoppedAt,
    int? StoredChunks,
    int? NextSequence,
    int? ChunkCount,
    int SegmentCount)
{
    internal static SessionResponse From(ClinicalSession s, AudioChunkStatus? audio = null) =>
        new(s.Id, s.ClientId, s.ClinicianUserId, StatusName(s.Status), s.StartedAt, s.StoppedAt, audio?.StoredChunks, audio?.NextSequence, s.ChunkCount, s.SegmentCount);

    /// <summary>The status as the API spells it.</summary>
    public static string StatusName(ClinicalSessionStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>The answer to a new session.</summary>
/// <param name="Id">The session.</param>
/// <param name="Status">Always <c>recording</c>.</param>
public sealed record SessionCreatedResponse(ClinicalSessionId Id, string Status);

/// <summary>The acknowledgement of a stored chunk.</summary>
/// <param name="Sequence">The chunk's number.</param>
/// <param name="Duplicate">True when it had been stored before (stored once).</param>
public sealed record ChunkStoredResponse(int Sequence, bool Duplicate);

/// <summary>Stop body.</summary>
/// <param name="ChunkCount">How many chunks the recorder captured in all (sequences 0 to chunkCount - 1).</param>
public sealed record StopSessionRequest(int? ChunkCount);

/// <summary>Recorded sessions and their audio: <c>/api/v1/sessions</c> and <c>/api/v1/clients/{id}/sessions</c>.</summary>
/// <remarks>
/// <para>The recorder's HTTP contract (issue 11). Audio arrives as one canonical WAV per chunk
/// (<see cref="PcmWav"/>: 16 kHz mono 16-bit, 44-byte header) with <c>Content-Type: audio/wav</c> and at most
/// <see cref="MaxChunkBytes"/> bytes: a larger declared body is refused with 413 before it is read, a larger streamed one
/// as soon as it passes the limit; anything but a canonical WAV is 415. The chunk is acknowledged (200) only once it is
/// durably stored and the segments it completes are queued; a re-sent identical chunk answers 200 with
/// <c>duplicate: true</c>. Refusals: different bytes under a stored sequence and chunks beyond a stopped session's
/// count are 409, a sequence more than 1,000 ahead is 422, a withdrawn consent is 409 of type
/// <see cref="ConsentRevokedType"/>. Another clinician's or practice's session is 404, audited by Core.</para>
/// <para>Like every <c>/api</c> call made with the sign-in cookie, unsafe methods need the antiforgery header; Bearer
/// tokens work too. Every answer is <c>Cache-Control: no-store</c>.</para>
/// </remarks>
public static class SessionEndpoints
{
    /// <summary>The route prefix of a session.</summary>
    public const string SessionsPath = "/api/v1/sessions";

    /// <summary>The largest chunk accepted, header included (1 MiB; a 5-second chunk is about 160 KB).</summary>
    public const int MaxChunkBytes = 1024 * 1024;

    /// <summary>The largest JSON body (a stop request).</summary>
    public const int MaxJsonBytes = 1024;

    /// <summary>The ProblemDetails type of a chunk refused because a consent was withdrawn.</summary>
    public const string ConsentRevokedType = "https://plexura.app/problems/consent-revoked";

    /// <summary>The media types a chunk may be sent as.</summary>
    private static readonly string[] WavTypes = ["audio/wav", "audio/wave", "audio/x-wav"];

    /// <summary>Maps the session endpoints under the api group.</summary>
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder api)
    {
        var clients = api.MapGroup("/v1/clients/{clientId:guid}/sessions")
            .WithTags("Sessions")
            .RequireAuthorization(Policies.ClientRecords)
            .WithMetadata(new RequestSizeLimitAttribute(MaxJsonBytes))
            .AddEndpointFilter(EndpointHelpers.NoStore)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        clients.MapPost("/", StartAsync)
            .WithName("StartSession")
            .WithSummary("Starts recording a session with the client; 422 says which consent is missing.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clients.MapGet("/", ListForClientAsync)
            .WithName("ListClientSessions")
            .WithSummary("The client's sessions, newest first.");

        var sessions = api.MapGroup("/v1/sessions")
            .WithTags("Sessions")
            .RequireAuthorization(Policies.ClientRecords)
            .WithMetadata(new RequestSizeLimitAttribute(MaxJsonBytes))
            .AddEndpointFilter(EndpointHelpers.NoStore)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        sessions.MapGet("/unfinished", UnfinishedAsync)
            .WithName("ListUnfinishedSessions")
            .WithSummary("The signed-in clinician's sessions still recording or paused (for a reloaded recorder).");
        sessions.MapGet("/my-day", MyDayAsync)
            .WithName("ListMyDay")
            .WithSummary("Today's and recent sessions the member may view, newest first.");
        sessions.MapGet("/{sessionId:guid}", GetAsync)
            .WithName("GetSession")
            .WithSummary("A session's state and how much of its audio is stored (nextSequence: the first chunk not stored).");
        sessions.MapPut("/{sessionId:guid}/audio/{sequence:int}", PutChunkAsync)
            .WithName("PutSessionAudio")
            .WithSummary("Stores one WAV chunk of the recording (audio/wav, at most 1 MiB); acknowledged once durably stored.")
            .WithMetadata(new RequestSizeLimitAttribute(MaxChunkBytes))
            .Accepts<byte[]>("audio/wav")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        sessions.MapPost("/{sessionId:guid}/pause", PauseAsync)
            .WithName("PauseSession")
            .WithSummary("Pauses the recording.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        sessions.MapPost("/{sessionId:guid}/resume", ResumeAsync)
            .WithName("ResumeSession")
            .WithSummary("Resumes a paused recording.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        sessions.MapPost("/{sessionId:guid}/stop", StopAsync)
            .WithName("StopSession")
            .WithSummary("Stops the recording after chunkCount chunks; the session is stopped until they are all stored, then transcribing.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);
        sessions.MapPost("/{sessionId:guid}/retry", RetryAsync)
            .WithName("RetryTranscription")
            .WithSummary("Transcribes a failed session again; 409 says why when it cannot be retried yet (a withdrawn consent).")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    internal static async Task<Results<Created<SessionCreatedResponse>, ProblemHttpResult>> StartAsync(
        ClientId clientId, StartRecordingHandler handler, ClientContext client, CancellationToken ct)
    {
        try
        {
            var id = await handler.HandleAsync(new StartRecordingCommand(clientId), client.Current, ct);
            return TypedResults.Created($"{SessionsPath}/{id}", new SessionCreatedResponse(id, SessionResponse.StatusName(ClinicalSessionStatus.Recording)));
        }
        catch (ValidationFailedException ex)
        {
            return TypedResults.Problem(title: "Consent required", detail: ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    internal static async Task<Ok<IReadOnlyList<SessionResponse>>> ListForClientAsync(
        ClientId clientId, ListClientSessionsHandler handler, ClientContext client, CancellationToken ct)
    {
        var found = await handler.HandleAsync(new ListClientSessionsCommand(clientId), client.Current, ct);
        return TypedResults.Ok<IReadOnlyList<SessionResponse>>([.. found.Select(s => SessionResponse.From(s))]);
    }

    internal static async Task<Ok<IReadOnlyList<SessionResponse>>> UnfinishedAsync(ListUnfinishedSessionsHandler handler, CancellationToken ct)
    {
        var found = await handler.HandleAsync(ct);
        return TypedResults.Ok<IReadOnlyList<SessionResponse>>([.. found.Select(s => SessionResponse.From(s))]);
    }

    internal static async Task<Ok<IReadOnlyList<SessionResponse>>> MyDayAsync(ListMyDayHandler handler, ClientContext client, CancellationToken ct)
    {
        var found = await handler.HandleAsync(client.Current, ct);
        return TypedResults.Ok<IReadOnlyList<SessionResponse>>([.. found.Select(s => SessionResponse.From(s))]);
    }

    internal static async Task<Ok<SessionResponse>> GetAsync(ClinicalSessionId sessionId, GetSessionHandler handler, ClientContext client, CancellationToken ct)
    {
        var view = await handler.HandleAsync(new GetSessionCommand(sessionId), client.Current, ct);
        return TypedResults.Ok(SessionResponse.From(view.Session, view.Audio));
    }

    /// <remarks>
    /// The body is read here, bounded, never bound by the framework: the content type is checked before a byte is read,
    /// and reading stops one byte past <see cref="MaxChunkBytes"/> whatever the transfer encoding said.
    /// </remarks>
    internal static async Task<Results<Ok<ChunkStoredResponse>, ProblemHttpResult>> PutChunkAsync(
        ClinicalSessionId sessionId, int sequence, HttpRequest request, StoreAudioChunkHandler handler, ClientContext client, CancellationToken ct)
    {
        if (!IsWav(request.ContentType))
        {
            return TypedResults.Problem(
                title: "Unsupported media type", detail: "Send the chunk as audio/wav.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        // A pooled buffer sized from Content-Length: the chunk is copied once from the connection, then sealed from it.
        using var body = await EndpointHelpers.ReadBoundedPooledAsync(request.Body, request.ContentLength, MaxChunkBytes, ct);
        if (body is null)
        {
            return TypedResults.Problem(
                title: "Request too large", detail: $"Send at most {MaxChunkBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        if (PcmWav.TryReadSamples(body.Memory, out var problem) is not { } samples)
        {
            return TypedResults.Problem(title: "Unsupported audio", detail: problem, statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        try
        {
            var stored = await handler.HandleAsync(new StoreAudioChunkCommand(sessionId, sequence, samples), client.Current, ct);
            return TypedResults.Ok(new ChunkStoredResponse(stored.Sequence, stored.Duplicate));
        }
        catch (AudioChunkRefusedException ex)
        {
            return ex.Reason switch
            {
                ChunkRefusal.TooFarAhead => TypedResults.Problem(title: "Sequence too far ahead", detail: ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity),
                ChunkRefusal.ConsentRevoked => TypedResults.Problem(
                    title: "Consent withdrawn", detail: ex.Message, statusCode: StatusCodes.Status409Conflict, type: ConsentRevokedType),
                _ => TypedResults.Problem(title: "Conflict", detail: ex.Message, statusCode: StatusCodes.Status409Conflict),
            };
        }
    }

    internal static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> PauseAsync(
        ClinicalSessionId sessionId, PauseRecordingHandler handler, ISessionAudioStore audio, ClientContext client, CancellationToken ct) =>
        await ChangeAsync(() => handler.HandleAsync(new PauseRecordingCommand(sessionId), client.Current, ct), audio, ct);

    internal static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> ResumeAsync(
        ClinicalSessionId sessionId, ResumeRecordingHandler handler, ISessionAudioStore audio, ClientContext client, CancellationToken ct) =>
        await ChangeAsync(() => handler.HandleAsync(new ResumeRecordingCommand(sessionId), client.Current, ct), audio, ct);

    internal static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> StopAsync(
        ClinicalSessionId sessionId, StopSessionRequest? request, StopRecordingHandler handler, ISessionAudioStore audio, ClientContext client, CancellationToken ct)
    {
        if (request?.ChunkCount is not { } count)
        {
            return TypedResults.Problem(title: "Invalid request", detail: "Send chunkCount: how many chunks were recorded.", statusCode: StatusCodes.Status400BadRequest);
        }

        return await ChangeAsync(() => handler.HandleAsync(new StopRecordingCommand(sessionId, count), client.Current, ct), audio, ct);
    }

    internal static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> RetryAsync(
        ClinicalSessionId sessionId, RetryTranscriptionHandler handler, ISessionAudioStore audio, ClientContext client, CancellationToken ct)
    {
        try
        {
            return await ChangeAsync(() => handler.HandleAsync(new RetryTranscriptionCommand(sessionId), client.Current, ct), audio, ct);
        }
        catch (TranscriptionRetryRefusedException ex)
        {
            return TypedResults.Problem(title: "Cannot retry yet", detail: ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> ChangeAsync(
        Func<Task<ClinicalSession>> change, ISessionAudioStore audio, CancellationToken ct)
    {
        try
        {
            var session = await change();
            return TypedResults.Ok(SessionResponse.From(session, await audio.GetStatusAsync(session.PracticeId, session.Id, ct)));
        }
        catch (InvalidSessionTransitionException ex)
        {
            return TypedResults.Problem(title: "Conflict", detail: ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static bool IsWav(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return WavTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase);
    }
}
