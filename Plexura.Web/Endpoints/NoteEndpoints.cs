using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Plexura.Core.Access;
using Plexura.Core.Common;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;
using Plexura.Core.Notes.EditNote;
using Plexura.Core.Notes.GetNote;
using Plexura.Core.Notes.Psychotherapy;
using Plexura.Core.Notes.SignNote;
using Plexura.Core.Notes.StartNote;
using Plexura.Core.Notes.Templates;
using Plexura.Core.Notes.Versions;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Plexura.Web.Endpoints;

/// <summary>A note as the API shows it.</summary>
/// <param name="Id">The note.</param>
/// <param name="ClientId">Its client.</param>
/// <param name="SessionId">Its session, or null (a psychotherapy note).</param>
/// <param name="Kind"><c>Progress</c> or <c>Psychotherapy</c>.</param>
/// <param name="Status"><c>Draft</c> or <c>Signed</c>.</param>
/// <param name="Drafting">Where AI drafting is (<c>Off</c>: the clinician writes it).</param>
/// <param name="DraftingFailureCode">Why drafting failed, or null.</param>
/// <param name="Version">The current version (send it back as basedOnVersion).</param>
/// <param name="Template">The template (sections, guidance, which are required).</param>
/// <param name="Content">The current content: sections with statements, and risk items.</param>
/// <param name="Signature">The signature, once signed.</param>
/// <param name="Addenda">Addenda with their words.</param>
/// <param name="Permissions">What the member may do now.</param>
public sealed record NoteResponse(
    NoteId Id,
    ClientId ClientId,
    ClinicalSessionId? SessionId,
    NoteKind Kind,
    NoteStatus Status,
    DraftingState Drafting,
    string? DraftingFailureCode,
    int Version,
    NoteTemplate Template,
    NoteContent Content,
    NoteSignature? Signature,
    IReadOnlyList<NoteAddendumView> Addenda,
    ClientPermissions Permissions)
{
    internal static NoteResponse From(NoteView v) => new(
        v.Note.Id, v.Note.ClientId, v.Note.SessionId, v.Note.Kind, v.Note.Status, v.Note.Drafting, v.Note.DraftingFailureCode, v.Note.CurrentVersion,
        v.Template, v.Content, v.Note.Signature, v.Addenda, v.Permissions);
}

/// <summary>A section as edited.</summary>
/// <param name="Statements">All its statements, in order (id null for a new one).</param>
/// <param name="BasedOnVersion">The version the edit was made on.</param>
public sealed record SaveSectionRequest(IReadOnlyList<StatementInput>? Statements, int? BasedOnVersion);

/// <summary>A decision on a statement.</summary>
/// <param name="Decision"><c>Accept</c>, <c>Edit</c> or <c>Delete</c>.</param>
/// <param name="Text">The new text for Edit.</param>
/// <param name="BasedOnVersion">The version the decision was made on.</param>
public sealed record StatementReviewRequest(StatementDecision? Decision, string? Text, int? BasedOnVersion);

/// <summary>A decision on a risk item.</summary>
/// <param name="Decision"><c>Confirm</c> or <c>Correct</c>.</param>
/// <param name="Category">A corrected category, or null.</param>
/// <param name="Polarity">A corrected polarity, or null.</param>
/// <param name="Note">Why it is corrected (required for Correct).</param>
/// <param name="BasedOnVersion">The version the decision was made on.</param>
public sealed record RiskReviewRequest(RiskDecision? Decision, RiskCategory? Category, RiskPolarity? Polarity, string? Note, int? BasedOnVersion);

/// <summary>A restore, sign or other change made on a version.</summary>
/// <param name="BasedOnVersion">The version current when the member acted.</param>
public sealed record BasedOnRequest(int? BasedOnVersion);

/// <summary>A signing.</summary>
/// <param name="Attested">The signer confirms the attestation.</param>
/// <param name="BasedOnVersion">The version reviewed.</param>
public sealed record SignNoteRequest(bool Attested, int? BasedOnVersion);

/// <summary>An addendum.</summary>
/// <param name="Reason">Why.</param>
/// <param name="Text">The addendum.</param>
public sealed record AddendumRequest(string? Reason, string? Text);

/// <summary>A redraft: one section, or null for the whole note (Retry).</summary>
/// <param name="Section">The section's key, or null.</param>
public sealed record RedraftRequest(string? Section);

/// <summary>A queued drafting request.</summary>
/// <param name="Request">Its number.</param>
public sealed record RedraftResponse(int Request);

/// <summary>A created note.</summary>
/// <param name="Id">The note.</param>
public sealed record NoteCreatedResponse(NoteId Id);

/// <summary>Notes: <c>/api/v1/notes</c>, a session's note at <c>/api/v1/sessions/{id}/note</c> and a client's psychotherapy notes.</summary>
/// <remarks>
/// Authorized twice: the route needs a signed-in member (client-records policy), Core checks the note's client and, for
/// a psychotherapy note, that the member is its author (everyone else: 404). Bodies are JSON of at most
/// <see cref="MaxBodyBytes"/> bytes, refused with 413 before they are read (a declared length) or as soon as they pass it.
/// A stale <c>basedOnVersion</c> or a change to a signed note is 409, a signing rule 422, bad input 400, all ProblemDetails.
/// Cookie calls need the antiforgery header like every unsafe <c>/api</c> call. Every answer is <c>Cache-Control: no-store</c>.
/// </remarks>
public static class NoteEndpoints
{
    /// <summary>The route prefix of a note.</summary>
    public const string NotesPath = "/api/v1/notes";

    /// <summary>The largest request body (1 MiB).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Maps the note endpoints under the api group.</summary>
    public static IEndpointRouteBuilder MapNoteEndpoints(this IEndpointRouteBuilder api)
    {
        var notes = api.MapGroup("/v1/notes/{noteId:guid}")
            .WithTags("Notes")
            .RequireAuthorization(Policies.ClientRecords)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .AddEndpointFilter(EndpointHelpers.NoStore)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        notes.MapGet("/", GetAsync).WithName("GetNote").WithSummary("The note (continuing=true: a refresh of a view already opened, not audited again).");
        notes.MapPut("/sections/{key}", SaveSectionAsync).WithName("SaveNoteSection").WithSummary("Saves one section as edited: a new version.");
        notes.MapPost("/statements/{statementId}/review", ReviewStatementAsync).WithName("ReviewNoteStatement").WithSummary("Accepts, edits or deletes a statement.");
        notes.MapPost("/risks/{riskId}/review", ReviewRiskAsync).WithName("ReviewNoteRisk").WithSummary("Confirms or corrects a risk item.");
        notes.MapGet("/versions", ListVersionsAsync).WithName("ListNoteVersions").WithSummary("The note's versions (who, when, why).");
        notes.MapGet("/versions/{number:int}", GetVersionsAsync).WithName("GetNoteVersion").WithSummary("A version's content; compareTo adds a second one for a diff.");
        notes.MapPost("/versions/{number:int}/restore", RestoreAsync).WithName("RestoreNoteVersion").WithSummary("Restores an earlier version as a new one.");
        notes.MapPost("/sign", SignAsync).WithName("SignNote").WithSummary("Signs the note; 422 names the rule that stops it.").ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        notes.MapGet("/signature", VerifyAsync).WithName("VerifyNoteSignature").WithSummary("Recomputes the signed content's SHA-256 and every addendum's.");
        notes.MapPost("/addenda", AmendAsync).WithName("AmendNote").WithSummary("Adds an addendum (reason and text) to a signed note.");
        notes.MapPost("/redraft", RedraftAsync).WithName("RedraftNote").WithSummary("Queues a redraft of one section, or of the whole note when no section is named.");

        var sessions = api.MapGroup("/v1/sessions/{sessionId:guid}/note")
            .WithTags("Notes")
            .RequireAuthorization(Policies.ClientRecords)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .AddEndpointFilter(EndpointHelpers.NoStore)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        sessions.MapGet("/", GetForSessionAsync).WithName("GetSessionNote").WithSummary("The session's note; 404 when it has none yet.");
        sessions.MapPost("/", WriteAsync).WithName("WriteSessionNote").WithSummary("Starts the session's note by hand (blank template); returns the existing one if any.");

        var psychotherapy = api.MapGroup("/v1/clients/{clientId:guid}/psychotherapy-notes")
            .WithTags("Notes")
            .RequireAuthorization(Policies.ClientRecords)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .AddEndpointFilter(EndpointHelpers.NoStore)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        psychotherapy.MapGet("/", ListPsychotherapyAsync).WithName("ListPsychotherapyNotes").WithSummary("The member's own psychotherapy notes about the client.");
        psychotherapy.MapPost("/", CreatePsychotherapyAsync).WithName("CreatePsychotherapyNote").WithSummary("Starts a psychotherapy note only its author will see.");
        return api;
    }

    internal static async Task<Ok<NoteResponse>> GetAsync(NoteId noteId, bool? continuing, GetNoteHandler handler, ClientContext client, CancellationToken ct) =>
        TypedResults.Ok(NoteResponse.From(await handler.HandleAsync(new GetNoteCommand(noteId, continuing ?? false), client.Current, ct)));

    internal static async Task<Results<Ok<NoteResponse>, ProblemHttpResult>> GetForSessionAsync(
        ClinicalSessionId sessionId, bool? continuing, GetSessionNoteHandler handler, ClientContext client, CancellationToken ct) =>
        await handler.HandleAsync(new GetSessionNoteCommand(sessionId, continuing ?? false), client.Current, ct) is { } view
            ? TypedResults.Ok(NoteResponse.From(view))
            : TypedResults.Problem(title: "Not found", detail: "The session has no note yet.", statusCode: StatusCodes.Status404NotFound);

    internal static async Task<Created<NoteCreatedResponse>> WriteAsync(ClinicalSessionId sessionId, WriteNoteHandler handler, ClientContext client, CancellationToken ct)
    {
        var id = await handler.HandleAsync(new WriteNoteCommand(sessionId), client.Current, ct);
        return TypedResults.Created($"{NotesPath}/{id}", new NoteCreatedResponse(id));
    }

    internal static Task<IResult> SaveSectionAsync(
        NoteId noteId, string key, HttpRequest request, SaveSectionHandler handler, ClientContext client, IOptions<JsonOptions> json, CancellationToken ct) =>
        WithBodyAsync<SaveSectionRequest>(request, json, async body =>
            TypedResults.Ok(await handler.HandleAsync(
                new SaveSectionCommand(noteId, key, body.Statements ?? [], Required(body.BasedOnVersion)), client.Current, ct)), ct);

    internal static Task<IResult> ReviewStatementAsync(
        NoteId noteId, string statementId, HttpRequest request, ResolveStatementHandler handler, ClientContext client, IOptions<JsonOptions> json, CancellationToken ct) =>
        WithBodyAsync<StatementReviewRequest>(request, json, async body =>
            TypedResults.Ok(await handler.HandleAsync(
                new ResolveStatementCommand(noteId, statementId, body.Decision ?? throw new ValidationFailedException("Send a decision: Accept, Edit or Delete."), body.Text, Required(body.BasedOnVersion)),
                client.Current, ct)), ct);

    internal static Task<IResult> ReviewRiskAsync(
        NoteId noteId, string riskId, HttpRequest request, ResolveRiskHandler handler, ClientContext client, IOptions<JsonOptions> json, CancellationToken ct) =>
        WithBodyAsync<RiskReviewRequest>(request, json, async body =>
            TypedResults.Ok(await handler.HandleAsync(
                new ResolveRiskCommand(
                    noteId, riskId, body.Decision ?? throw new ValidationFailedException("Send a decision: Confirm or Correct."), body.Category, body.Polarity, body.Note, Required(body.BasedOnVersion)),
                client.Current, ct)), ct);

    internal static async Task<Ok<IReadOnlyList<NoteVersionSummary>>> ListVersionsAsync(NoteId noteId, ListNoteVersionsHandler handler, ClientContext client, CancellationToken ct) =>
        TypedResults.Ok(await handler.HandleAsync(new ListNoteVersionsCommand(noteId), client.Current, ct));

    internal static async Task<Ok<IReadOnlyList<NoteVersionView>>> GetVersionsAsync(
        NoteId noteId, int number, int? compareTo, GetNoteVersionsHandler handler, ClientContext client, CancellationToken ct) =>
        TypedResults.Ok(await handler.HandleAsync(new GetNoteVersionsCommand(noteId, compareTo is { } other ? [number, other] : [number]), client.Current, ct));

    internal static Task<IResult> RestoreAsync(
        NoteId noteId, int number, HttpRequest request, RestoreNoteVersionHandler handler, ClientContext client, IOptions<JsonOptions> json, CancellationToken ct) =>
        WithBodyAsync<BasedOnRequest>(request, json, async body =>
            TypedResults.Ok(await handler.HandleAsync(new RestoreNoteVersionCommand(noteId, number, Required(body.BasedOnVersion)), client.Current, ct)), ct);

    internal static Task<IResult> SignAsync(
        NoteId noteId, HttpRequest request, SignNoteHandler handler, ClientContext client, IOptions<JsonOptions> json, CancellationToken ct) =>
        WithBodyAsync<SignNoteRequest>(request, json, async body =>
            TypedResults.Ok(await handler.HandleAsync(new SignNoteCommand(noteId, body.Attested, Required(body.BasedOnVersion)), client.Current, ct)), ct);

    internal static async Task<Ok<NoteSignatureCheckResponse>> VerifyAsync(NoteId noteId, VerifyNoteSignatureHandler handler, ClientContext client, CancellationToken ct)
    {
        var check = await handler.HandleAsync(new VerifyNoteSignatureCommand(noteId), client.Current, ct);
        return TypedResults.Ok(new NoteSignatureCheckResponse(check.Signature is not null, check.IsValid, check.Signature, check.ComputedHash, check.Addenda));
    }

    internal static Task<IResult> AmendAsync(
        NoteId noteId, HttpRequest request, AmendNoteHandler handler, ClientContext client, IOptions<JsonOptions> json, CancellationToken ct) =>
        WithBodyAsync<AddendumRequest>(request, json, async body =>
        {
            var saved = await handler.HandleAsync(new AmendNoteCommand(noteId, body.Reason ?? string.Empty, body.Text ?? string.Empty), client.Current, ct);
            return TypedResults.Created($"{NotesPath}/{noteId}/versions/{saved.VersionNumber}", saved);
        }, ct);

    internal static Task<IResult> RedraftAsync(
        NoteId noteId, HttpRequest request, RequestRedraftHandler redraft, RetryDraftingHandler retry, ClientContext client, IOptions<JsonOptions> json, CancellationToken ct) =>
        WithBodyAsync<RedraftRequest>(request, json, async body =>
            TypedResults.Accepted((string?)null, new RedraftResponse(body.Section is { } section
                ? await redraft.HandleAsync(new RequestRedraftCommand(noteId, section), client.Current, ct)
                : await retry.HandleAsync(new RetryDraftingCommand(noteId), client.Current, ct))),
            ct, allowEmpty: true);

    internal static async Task<Ok<IReadOnlyList<PsychotherapyNoteSummary>>> ListPsychotherapyAsync(
        ClientId clientId, ListPsychotherapyNotesHandler handler, ClientContext client, CancellationToken ct) =>
        TypedResults.Ok(await handler.HandleAsync(new ListPsychotherapyNotesCommand(clientId), client.Current, ct));

    internal static async Task<Created<NoteCreatedResponse>> CreatePsychotherapyAsync(
        ClientId clientId, CreatePsychotherapyNoteHandler handler, ClientContext client, CancellationToken ct)
    {
        var id = await handler.HandleAsync(new CreatePsychotherapyNoteCommand(clientId), client.Current, ct);
        return TypedResults.Created($"{NotesPath}/{id}", new NoteCreatedResponse(id));
    }

    private static int Required(int? basedOnVersion) =>
        basedOnVersion ?? throw new ValidationFailedException("Send basedOnVersion: the note version the change was made on.");

    /// <summary>Reads the JSON body (at most <see cref="MaxBodyBytes"/>, refused with 413 before or while reading) and runs <paramref name="run"/> with it.</summary>
    private static async Task<IResult> WithBodyAsync<T>(HttpRequest request, IOptions<JsonOptions> json, Func<T, Task<IResult>> run, CancellationToken ct, bool allowEmpty = false)
        where T : class
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        var body = await EndpointHelpers.ReadBoundedAsync(request.Body, MaxBodyBytes, ct);
        if (body is null)
        {
            return TooLarge();
        }

        T? value;
        try
        {
            value = body.Length == 0 && allowEmpty
                ? JsonSerializer.Deserialize<T>("{}", json.Value.SerializerOptions)
                : JsonSerializer.Deserialize<T>(body, json.Value.SerializerOptions);
        }
        catch (JsonException)
        {
            value = null;
        }

        return value is null
            ? TypedResults.Problem(title: "Invalid request", detail: "Send a JSON object as documented.", statusCode: StatusCodes.Status400BadRequest)
            : await run(value);
    }

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(title: "Request too large", detail: $"Send at most {MaxBodyBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);


}

/// <summary>The answer to "is this signed note unchanged?".</summary>
/// <param name="IsSigned">Whether the note is signed.</param>
/// <param name="Valid">Signed, and the content and every addendum hash as recorded.</param>
/// <param name="Signature">The signature (signer, time, version, SHA-256), or null.</param>
/// <param name="ComputedHash">The SHA-256 recomputed now.</param>
/// <param name="Addenda">Each addendum's stored and recomputed hash.</param>
public sealed record NoteSignatureCheckResponse(bool IsSigned, bool Valid, NoteSignature? Signature, string? ComputedHash, IReadOnlyList<AddendumCheck> Addenda);
