using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Access.ListClientAccess;
using Plexura.Core.Access.RevokeClientAccess;
using Plexura.Core.Clients;
using Plexura.Core.Clients.ArchiveClient;
using Plexura.Core.Clients.CreateClient;
using Plexura.Core.Clients.GetClient;
using Plexura.Core.Clients.SearchClients;
using Plexura.Core.Clients.UpdateClient;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Consent.RevokeConsent;
using Plexura.Core.Memberships;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;

namespace Plexura.Web.Endpoints;

/// <summary>Search body: what the member typed.</summary>
/// <param name="Query">Words or word starts of at least two letters.</param>
/// <param name="IncludeArchived">Whether archived clients are included.</param>
public sealed record SearchClientsRequest(string? Query, bool IncludeArchived = false)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(SearchClientsRequest)} {{ Query = *** }}";
}

/// <summary>A new client's details and flags.</summary>
public sealed record CreateClientRequest(
    string? Name, DateOnly? DateOfBirth, string? Pronouns = null, string? ExternalRecordNumber = null, bool IsRestricted = false, bool IsPart2 = false)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(CreateClientRequest)} {{ PHI hidden }}";
}

/// <summary>A client's full new details and flags, with the version they were read at (or send it as <c>If-Match</c>).</summary>
/// <remarks>
/// The two flags are required: a PUT replaces the record, and a client that left out <c>isRestricted</c> must not
/// silently lift a § 164.522 restriction.
/// </remarks>
public sealed record UpdateClientRequest(
    string? Name, DateOnly? DateOfBirth, string? Pronouns, string? ExternalRecordNumber, bool? IsRestricted, bool? IsPart2, long? Version = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(UpdateClientRequest)} {{ PHI hidden }}";
}

/// <summary>A consent being documented.</summary>
/// <param name="Kind"><c>Recording</c>, <c>AiProcessing</c> or <c>Part2Disclosure</c>.</param>
/// <param name="Method"><c>Verbal</c>, <c>Written</c> or <c>Electronic</c>.</param>
/// <param name="EffectiveFrom">From when it applies.</param>
/// <param name="ExpiresAt">When it stops applying (required for Part 2).</param>
/// <param name="Recipient">Part 2 only: who may receive the record.</param>
/// <param name="Purpose">Part 2 only: what for.</param>
/// <param name="Notes">Optional notes.</param>
/// <param name="ExpiresOn">Instead of <paramref name="ExpiresAt"/>: the last day it applies, ending at the end of that day in the practice's time zone.</param>
public sealed record RecordConsentRequest(
    ConsentKind? Kind,
    ConsentMethod? Method,
    DateTimeOffset? EffectiveFrom,
    DateTimeOffset? ExpiresAt = null,
    string? Recipient = null,
    string? Purpose = null,
    string? Notes = null,
    DateOnly? ExpiresOn = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(RecordConsentRequest)} {{ Kind = {Kind}, Method = {Method}, PHI hidden }}";
}

/// <summary>Why a consent was withdrawn (optional; the whole body may be left out).</summary>
public sealed record RevokeConsentRequest(string? Reason = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(RevokeConsentRequest)} {{ PHI hidden }}";
}

/// <summary>The four client permissions.</summary>
public sealed record PermissionsDto(bool View, bool Edit, bool Push, bool Export)
{
    internal static PermissionsDto From(ClientPermissions p) => new(p.View, p.Edit, p.Push, p.Export);

    internal ClientPermissions ToPermissions() => new(View, Edit, Push, Export);
}

/// <summary>
/// A client as a permitted member sees it; <see cref="Version"/> (also the <c>ETag</c>) goes back with an edit, and
/// <see cref="Permissions"/> says what the caller may do to it now (so the extension offers push only where allowed).
/// </summary>
public sealed record ClientResponse(
    ClientId Id,
    string Name,
    DateOnly DateOfBirth,
    string? Pronouns,
    string? ExternalRecordNumber,
    bool IsRestricted,
    bool IsPart2,
    bool IsArchived,
    long Version,
    PermissionsDto Permissions)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(ClientResponse)} {{ Id = {Id}, PHI hidden }}";
}

/// <summary>One search hit.</summary>
public sealed record ClientSummaryResponse(ClientId Id, string Name, DateOnly DateOfBirth, bool IsRestricted, bool IsPart2, bool IsArchived)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(ClientSummaryResponse)} {{ Id = {Id}, PHI hidden }}";
}

/// <summary>The id of a created client.</summary>
public sealed record ClientCreatedResponse(ClientId Id);

/// <summary>The id of a recorded consent.</summary>
public sealed record ConsentCreatedResponse(ClientConsentId Id, ClientId ClientId);

/// <summary>A stored grant.</summary>
public sealed record ClientGrantResponse(ClientGrantId Id, MembershipId MembershipId, ClientId ClientId, PermissionsDto Permissions, UserId GrantedBy, DateTimeOffset GrantedAt);

/// <summary>One member's access to a client ("who can see this client").</summary>
public sealed record ClientAccessResponse(
    MembershipId MembershipId, UserId UserId, string DisplayName, PracticeRole Role, ClientScope Scope, PermissionsDto Effective, IReadOnlyList<string> Reasons, PermissionsDto? Granted);

/// <summary>Clients, their consents and who may reach them: <c>/api/v1/clients</c>.</summary>
/// <remarks>
/// <para>Every decision is the Core use case's: these endpoints check the shape of a request, pass the signed-in
/// member's client context, and map the result. The practice and the member come from the token (through
/// <see cref="Core.Identity.ICurrentUser"/>), never from the route or body; a client of another practice is "not found"
/// (404) exactly like a client that does not exist, and Core audits the probe.</para>
/// <para>Ids in routes are constrained to GUIDs, so a malformed id matches no endpoint and is a 404 ProblemDetails, like
/// an unknown one, rather than a 400 that would tell a prober the route exists.</para>
/// <para>Search is <c>POST /clients/search</c> with the query in the JSON body, not <c>GET ?q=</c>: people type client
/// names into it, and a URL ends up in proxy and server access logs, browser history and <c>Referer</c> headers, none of
/// which is fit for PHI. Every answer carrying PHI is <c>Cache-Control: no-store</c>.</para>
/// </remarks>
public static class ClientEndpoints
{
    /// <summary>The route prefix of a client.</summary>
    public const string ClientsPath = "/api/v1/clients";

    /// <summary>The largest request body: the longest client or consent (four 2000-character texts) with room to spare.</summary>
    public const int MaxBodyBytes = 32 * 1024;

    /// <summary>Maps the client endpoints under the api group.</summary>
    public static IEndpointRouteBuilder MapClientEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/v1/clients")
            .WithTags("Clients")
            .RequireAuthorization(Policies.ClientRecords)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .AddEndpointFilter(EndpointHelpers.NoStore)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/search", SearchAsync)
            .WithName("SearchClients")
            .WithSummary("Finds the clients the member may view by name (the query goes in the body: it is PHI).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapPost("/", CreateAsync)
            .WithName("CreateClient")
            .WithSummary("Adds a client to the practice.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/{id:guid}", GetAsync)
            .WithName("GetClient")
            .WithSummary("Opens a client's record (one audited PHI view); the ETag is the version for an edit.");
        group.MapPut("/{id:guid}", UpdateAsync)
            .WithName("UpdateClient")
            .WithSummary("Replaces a client's details and flags; send the version read as If-Match or in the body.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapPost("/{id:guid}/archive", ArchiveAsync)
            .WithName("ArchiveClient")
            .WithSummary("Archives a client: kept for the record, no longer editable.");
        group.MapPost("/{id:guid}/consents", RecordConsentAsync)
            .WithName("RecordConsent")
            .WithSummary("Documents a client's consent (recording, AI processing, or a Part 2 disclosure).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapPost("/{id:guid}/consents/{consentId:guid}/revoke", RevokeConsentAsync)
            .WithName("RevokeConsent")
            .WithSummary("Records that the client withdrew a consent.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/{id:guid}/access", ListAccessAsync)
            .WithName("ListClientAccess")
            .WithSummary("Who can see this client, with what, and why (owners and admins).")
            .RequireAuthorization(Policies.PracticeManager);
        group.MapPut("/{id:guid}/access/{membershipId:guid}", GrantAccessAsync)
            .WithName("GrantClientAccess")
            .WithSummary("Gives a clinician these permissions on the client, replacing an earlier grant (owners and admins).")
            .RequireAuthorization(Policies.PracticeManager)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapDelete("/{id:guid}/access/{membershipId:guid}", RevokeAccessAsync)
            .WithName("RevokeClientAccess")
            .WithSummary("Takes away a member's grant on the client (owners and admins).")
            .RequireAuthorization(Policies.PracticeManager);
        return api;
    }

    internal static async Task<Results<Ok<IReadOnlyList<ClientSummaryResponse>>, ProblemHttpResult>> SearchAsync(
        SearchClientsRequest? request, SearchClientsHandler handler, ClientContext client, CancellationToken ct)
    {
        if (request is null || request.Query is null)
        {
            return Invalid("Send a query.");
        }

        var found = await handler.HandleAsync(new SearchClientsCommand(request.Query, request.IncludeArchived), client.Current, ct);
        IReadOnlyList<ClientSummaryResponse> body =
            [.. found.Select(c => new ClientSummaryResponse(c.ClientId, c.Name, c.DateOfBirth, c.IsRestricted, c.IsPart2, c.IsArchived))];
        return TypedResults.Ok(body);
    }

    internal static async Task<Results<Created<ClientCreatedResponse>, ProblemHttpResult>> CreateAsync(
        CreateClientRequest? request, CreateClientHandler handler, ClientContext client, CancellationToken ct)
    {
        if (request?.DateOfBirth is not { } dateOfBirth)
        {
            return Invalid("Send the client's name and date of birth.");
        }

        var details = new ClientDetails(request.Name ?? string.Empty, dateOfBirth, request.Pronouns, request.ExternalRecordNumber);
        var id = await handler.HandleAsync(new CreateClientCommand(details, request.IsRestricted, request.IsPart2), client.Current, ct);
        return TypedResults.Created($"{ClientsPath}/{id}", new ClientCreatedResponse(id));
    }

    internal static async Task<Ok<ClientResponse>> GetAsync(
        ClientId id, GetClientHandler handler, ClientContext client, HttpResponse response, CancellationToken ct)
    {
        var view = await handler.HandleAsync(new GetClientCommand(id), client.Current, ct);
        response.Headers.ETag = ETag(view.Version);
        var d = view.Details;
        return TypedResults.Ok(new ClientResponse(
            view.ClientId, d.Name, d.DateOfBirth, d.Pronouns, d.ExternalRecordNumber, view.IsRestricted, view.IsPart2, view.IsArchived, view.Version,
            PermissionsDto.From(view.Permissions)));
    }

    /// <remarks>
    /// The expected version is required (428 without one): an edit that cannot say what it was based on would overwrite a
    /// colleague's change unseen. <c>If-Match</c> and a body <c>version</c> that disagree are refused rather than guessed between.
    /// </remarks>
    internal static async Task<Results<NoContent, ProblemHttpResult>> UpdateAsync(
        ClientId id,
        UpdateClientRequest? request,
        [FromHeader(Name = "If-Match")] string? ifMatch,
        UpdateClientHandler handler,
        ClientContext client,
        CancellationToken ct)
    {
        if (request?.DateOfBirth is not { } dateOfBirth || request.IsRestricted is not { } restricted || request.IsPart2 is not { } part2)
        {
            return Invalid("Send the client's name, date of birth, isRestricted and isPart2.");
        }

        long? headerVersion = null;
        if (!string.IsNullOrWhiteSpace(ifMatch))
        {
            if (!TryParseETag(ifMatch, out var parsed))
            {
                return Invalid("If-Match must be the ETag of the client as read, for example \"3\".");
            }

            headerVersion = parsed;
        }

        if (headerVersion is { } h && request.Version is { } b && h != b)
        {
            return Invalid("If-Match and the body's version disagree.");
        }

        if ((headerVersion ?? request.Version) is not { } version)
        {
            return TypedResults.Problem(
                title: "Version required",
                detail: "Send the version you read, as If-Match or as the body's version.",
                statusCode: StatusCodes.Status428PreconditionRequired);
        }

        var details = new ClientDetails(request.Name ?? string.Empty, dateOfBirth, request.Pronouns, request.ExternalRecordNumber);
        await handler.HandleAsync(new UpdateClientCommand(id, details, restricted, part2, version), client.Current, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> ArchiveAsync(ClientId id, ArchiveClientHandler handler, ClientContext client, CancellationToken ct)
    {
        await handler.HandleAsync(new ArchiveClientCommand(id), client.Current, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Created<ConsentCreatedResponse>, ProblemHttpResult>> RecordConsentAsync(
        ClientId id, RecordConsentRequest? request, RecordConsentHandler handler, ClientContext client, CancellationToken ct)
    {
        if (request is not { Kind: { } kind, Method: { } method, EffectiveFrom: { } from })
        {
            return Invalid("Send the consent's kind, method and effectiveFrom.");
        }

        var details = new ConsentDetails(kind, method, from, request.ExpiresAt, request.Recipient, request.Purpose, request.Notes);
        var consentId = await handler.HandleAsync(new RecordConsentCommand(id, details, request.ExpiresOn), client.Current, ct);

        // No Location: consents are read with their client, there is no resource of their own to fetch.
        return TypedResults.Created((string?)null, new ConsentCreatedResponse(consentId, id));
    }

    internal static async Task<NoContent> RevokeConsentAsync(
        ClientId id, ClientConsentId consentId, RevokeConsentRequest? request, RevokeConsentHandler handler, ClientContext client, CancellationToken ct)
    {
        await handler.HandleAsync(new RevokeConsentCommand(id, consentId, request?.Reason), client.Current, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<IReadOnlyList<ClientAccessResponse>>> ListAccessAsync(
        ClientId id, ListClientAccessHandler handler, ClientContext client, CancellationToken ct)
    {
        var entries = await handler.HandleAsync(new ListClientAccessCommand(id), client.Current, ct);
        IReadOnlyList<ClientAccessResponse> body = [.. entries.Select(e => new ClientAccessResponse(
            e.MembershipId, e.UserId, e.DisplayName, e.Role, e.Scope, PermissionsDto.From(e.Effective), e.Reasons,
            e.Grant is { } g ? PermissionsDto.From(g.ToPermissions()) : null))];
        return TypedResults.Ok(body);
    }

    internal static async Task<Results<Ok<ClientGrantResponse>, ProblemHttpResult>> GrantAccessAsync(
        ClientId id, MembershipId membershipId, PermissionsDto? request, GrantClientAccessHandler handler, ClientContext client, CancellationToken ct)
    {
        if (request is null)
        {
            return Invalid("Send the four permissions: view, edit, push and export.");
        }

        var grant = await handler.HandleAsync(new GrantClientAccessCommand(membershipId, id, request.ToPermissions()), client.Current, ct);
        return TypedResults.Ok(new ClientGrantResponse(
            grant.Id, grant.MembershipId, grant.ClientId, PermissionsDto.From(grant.ToPermissions()), grant.GrantedBy, grant.GrantedAt));
    }

    internal static async Task<NoContent> RevokeAccessAsync(
        ClientId id, MembershipId membershipId, RevokeClientAccessHandler handler, ClientContext client, CancellationToken ct)
    {
        await handler.HandleAsync(new RevokeClientAccessCommand(membershipId, id), client.Current, ct);
        return TypedResults.NoContent();
    }


    private static string ETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    private static bool TryParseETag(string value, out long version)
    {
        var text = value.Trim();
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = text[1..^1];
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }

    private static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(title: "Invalid request", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
