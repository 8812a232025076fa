using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Plexura.Core.Auditing;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Export;
using Plexura.Core.Compliance.ExportAuditLog;
using Plexura.Core.Compliance.GetAuditExportKey;
using Plexura.Core.Compliance.GetAuditExportManifest;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;

namespace Plexura.Web.Endpoints;

/// <summary>Audit exports: the streamed file, its signed manifest and the practice's export public key.</summary>
/// <remarks>
/// Gated to audit readers by <see cref="Policies.AuditReaders"/> (a clinician is refused 403 and the refusal audited);
/// Core checks <c>PracticePolicy.CanReadAuditLog</c> again. The file is streamed straight to the response, hashed on
/// the way, never buffered: its manifest (which needs the file's SHA-256) is stored when the last byte is written and
/// fetched with a second request by the export id, given in the <c>X-Export-Id</c> header and the file name (or
/// chosen by the page beforehand as <c>exportId</c>, a version 7 GUID).
/// </remarks>
public static class AuditExportEndpoints
{
    /// <summary>The most values one repeated query parameter may carry.</summary>
    public const int MaxValuesPerParameter = 64;

    /// <summary>The export id response header.</summary>
    public const string ExportIdHeader = "X-Export-Id";

    /// <summary>Maps <c>/api/v1/compliance/audit-export*</c> under the api group.</summary>
    public static IEndpointRouteBuilder MapAuditExportEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/v1/compliance")
            .WithTags("Compliance")
            .RequireAuthorization(Policies.AuditReaders)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/audit-export", ExportAsync)
            .WithName("ExportAuditLog")
            .WithSummary("Streams the practice's audit events matching the filters as CSV or JSONL; the signed manifest follows at /audit-exports/{id}/manifest.");
        group.MapGet("/audit-exports/{exportId:guid}/manifest", ManifestAsync)
            .WithName("GetAuditExportManifest")
            .WithSummary("The signed manifest of a completed audit export.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/audit-export-key", KeyAsync)
            .WithName("GetAuditExportKey")
            .WithSummary("The practice's export signing public key (key id and PEM).");
        return api;
    }

    internal static async Task<IResult> ExportAsync(HttpContext http, ExportAuditLogHandler handler, ClientContext client, CancellationToken ct)
    {
        var (command, problem) = Parse(http.Request.Query);
        if (problem is not null)
        {
            return problem;
        }

        var id = command!.ExportId ?? Guid.CreateVersion7();
        command = command with { ExportId = id };
        var response = http.Response;
        response.ContentType = AuditExportCodec.ContentType(command.Format);
        var name = $"audit-log-{id:D}.{AuditExportCodec.Extension(command.Format)}";
        response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        response.Headers[ExportIdHeader] = id.ToString("D");
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await handler.HandleAsync(command, response.Body, client.Current, ct);
        return Results.Empty;
    }

    internal static async Task<ContentHttpResult> ManifestAsync(Guid exportId, HttpContext http, GetAuditExportManifestHandler handler, ClientContext client, CancellationToken ct)
    {
        var json = await handler.HandleAsync(new GetAuditExportManifestCommand(exportId.ToString("D")), client.Current, ct);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-log-{exportId:D}.manifest.json\"";
        return TypedResults.Text(json, "application/json; charset=utf-8");
    }

    internal static async Task<Ok<AuditPublicKey>> KeyAsync(GetAuditExportKeyHandler handler, ClientContext client, CancellationToken ct) =>
        TypedResults.Ok(await handler.HandleAsync(new GetAuditExportKeyCommand(), client.Current, ct));

    /// <summary>The command of a query string, or a 400 naming what is wrong.</summary>
    internal static (ExportAuditLogCommand? Command, IResult? Problem) Parse(IQueryCollection query)
    {
        foreach (var (key, values) in query)
        {
            if (values.Count > MaxValuesPerParameter)
            {
                return (null, Invalid($"\"{key}\" has {values.Count} values; at most {MaxValuesPerParameter} are accepted."));
            }
        }

        string? One(string name) => query.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;

        var format = One("format")?.ToLowerInvariant() switch
        {
            null or "csv" => AuditExportFormat.Csv,
            "jsonl" => (AuditExportFormat?)AuditExportFormat.Jsonl,
            _ => null,
        };
        if (format is null)
        {
            return (null, Invalid("The format must be csv or jsonl."));
        }

        Guid? exportId = null;
        if (One("exportId") is { } idText)
        {
            if (!Guid.TryParse(idText, out var parsed))
            {
                return (null, Invalid("exportId must be a GUID."));
            }

            exportId = parsed;
        }

        if (!TryTime(One("from"), out var from) || !TryTime(One("to"), out var to))
        {
            return (null, Invalid("from and to must be ISO 8601 times with an offset, for example 2026-01-31T00:00:00Z."));
        }

        List<AuditAction>? actions = null;
        if (query.TryGetValue("action", out var actionValues) && actionValues.Count > 0)
        {
            actions = [];
            foreach (var text in actionValues.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (!char.IsLetter(text[0]) || !Enum.TryParse<AuditAction>(text, ignoreCase: true, out var action) || !Enum.IsDefined(action))
                {
                    return (null, Invalid("Unknown action: use the action names of the audit log, for example PhiViewed."));
                }

                actions.Add(action);
            }

            if (actions.Count > MaxValuesPerParameter)
            {
                return (null, Invalid($"At most {MaxValuesPerParameter} actions are accepted."));
            }

            actions = [.. actions.Distinct()];
        }

        AuditResult? result = null;
        if (One("result") is { } resultText)
        {
            if (resultText.Length == 0 || !char.IsLetter(resultText[0]) || !Enum.TryParse<AuditResult>(resultText, ignoreCase: true, out var r) || !Enum.IsDefined(r))
            {
                return (null, Invalid("The result must be Success, Denied or Failed."));
            }

            result = r;
        }

        UserId? actor = null;
        if (One("actorUserId") is { } actorText)
        {
            if (!UserId.TryParse(actorText, CultureInfo.InvariantCulture, out var a))
            {
                return (null, Invalid("actorUserId must be a user id."));
            }

            actor = a;
        }

        string? clientId = null;
        if (One("clientId") is { } clientText)
        {
            if (!Guid.TryParse(clientText, out var c))
            {
                return (null, Invalid("clientId must be a client id (never a name)."));
            }

            clientId = c.ToString("D");
        }

        var filter = new AuditExportFilter(from, to, actions, result, actor, clientId, One("targetType"));
        return (new ExportAuditLogCommand(format.Value, filter, exportId), null);
    }

    private static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) && text.Length >= 10)
        {
            time = parsed;
            return true;
        }

        return false;
    }

    private static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(title: "Invalid request", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
