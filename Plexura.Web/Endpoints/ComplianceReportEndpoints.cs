using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Reports;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;

namespace Plexura.Web.Endpoints;

/// <summary>One page of a client report.</summary>
/// <param name="ClientId">The client (by id only: the name is never in a report answer).</param>
/// <param name="Kind"><c>disclosures</c> or <c>access</c>.</param>
/// <param name="From">Start of the range covered.</param>
/// <param name="To">End of the range covered.</param>
/// <param name="Rows">The events, newest first.</param>
/// <param name="NextBefore">Pass as <c>before</c> for the next, older page; null at the end.</param>
/// <param name="MayViewClient">Whether the caller may open the client's record.</param>
public sealed record ClientReportResponse(
    ClientId ClientId, string Kind, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ClientReportRowResponse> Rows, long? NextBefore, bool MayViewClient);

/// <summary>One disclosure or access.</summary>
/// <param name="Sequence">The audit event's sequence number.</param>
/// <param name="At">When.</param>
/// <param name="Kind">In words: Export, EHR push, Emergency access, View.</param>
/// <param name="Action">The audit action.</param>
/// <param name="ActorUserId">Who.</param>
/// <param name="ActorEmail">Who, by email.</param>
/// <param name="SourceIp">From where.</param>
/// <param name="TargetType">Which part of the record.</param>
/// <param name="TargetId">Its id.</param>
/// <param name="Details">The event's details (ids and codes).</param>
public sealed record ClientReportRowResponse(
    long Sequence, DateTimeOffset At, string Kind, string Action, UserId? ActorUserId, string? ActorEmail, string? SourceIp, string? TargetType, string? TargetId, string Details);

/// <summary>The breach impact report.</summary>
/// <param name="From">Start of the range covered.</param>
/// <param name="To">End of the range covered.</param>
/// <param name="Events">How many audit events matched.</param>
/// <param name="Clients">The affected clients, by id.</param>
public sealed record BreachReportResponse(DateTimeOffset From, DateTimeOffset To, long Events, IReadOnlyList<BreachClientRow> Clients);

/// <summary>The compliance reports: accounting of disclosures and access report per client (§ 164.528), breach impact (§ 164.410).</summary>
/// <remarks>
/// <para>The per-client reports are gated to practice members (<see cref="Policies.PracticeMember"/>): audit readers
/// and clinicians with export permission on the client both produce them, and Core decides which (audited). The
/// breach report is gated to <see cref="Policies.AuditReaders"/> and checked again in Core. Filters travel in the
/// query string: they are ids, dates and an IP address, never a name.</para>
/// <para>The CSV answers are streamed line by line from the audit store (constant memory); Core authorizes and audits
/// before the first byte, so a refusal is a ProblemDetails answer, not a truncated file.</para>
/// </remarks>
public static class ComplianceReportEndpoints
{
    /// <summary>Maps <c>/api/v1/compliance/reports/*</c> under the api group.</summary>
    public static IEndpointRouteBuilder MapComplianceReportEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/v1/compliance/reports")
            .WithTags("Compliance reports")
            .AddEndpointFilter(EndpointHelpers.NoStore)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/clients/{clientId:guid}", ClientReportAsync)
            .RequireAuthorization(Policies.PracticeMember)
            .WithName("GetClientReport")
            .WithSummary("A page of a client's accounting of disclosures (kind=disclosures) or access report (kind=access), newest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/clients/{clientId:guid}/csv", ClientReportCsvAsync)
            .RequireAuthorization(Policies.PracticeMember)
            .WithName("DownloadClientReport")
            .WithSummary("The whole range of a client report as CSV, oldest first, streamed.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/breach", BreachReportAsync)
            .RequireAuthorization(Policies.AuditReaders)
            .WithName("GetBreachReport")
            .WithSummary("The clients whose PHI an actor, IP or clinical session reached in a window, with counts and first/last time.");
        group.MapGet("/breach/csv", BreachReportCsvAsync)
            .RequireAuthorization(Policies.AuditReaders)
            .WithName("DownloadBreachReport")
            .WithSummary("The breach impact report as CSV.");
        return api;
    }

    internal static async Task<Ok<ClientReportResponse>> ClientReportAsync(
        ClientId clientId, string? kind, string? from, string? to, long? before, int? limit, ClientReportHandler handler, ClientContext client, CancellationToken ct)
    {
        var page = await handler.HandleAsync(
            new ClientReportCommand(clientId, ParseKind(kind), ParseTime(from, "from"), ParseTime(to, "to"), before, limit ?? 50), client.Current, ct);
        return TypedResults.Ok(new ClientReportResponse(
            page.ClientId,
            KindName(page.Kind),
            page.Window.From,
            page.Window.To,
            [.. page.Rows.Select(r => new ClientReportRowResponse(
                r.Sequence, r.At, ClientReportEvents.Describe(r.Action), r.Action.ToString(), r.ActorUserId, r.ActorEmail, r.SourceIp, r.TargetType, r.TargetId, r.Details))],
            page.NextBefore,
            page.MayViewClient));
    }

    internal static async Task<IResult> ClientReportCsvAsync(
        ClientId clientId, string? kind, string? from, string? to, ClientReportCsvHandler handler, ClientContext client, CancellationToken ct) =>
        new CsvResult(await handler.HandleAsync(
            new ClientReportCsvCommand(clientId, ParseKind(kind), ParseTime(from, "from"), ParseTime(to, "to")), client.Current, ct));

    internal static async Task<Ok<BreachReportResponse>> BreachReportAsync(
        string? actor, string? ip, string? session, string? from, string? to, BreachReportHandler handler, ClientContext client, CancellationToken ct)
    {
        var report = await handler.HandleAsync(BreachFilter(actor, ip, session, from, to), client.Current, ct);
        return TypedResults.Ok(new BreachReportResponse(report.Window.From, report.Window.To, report.Events, report.Clients));
    }

    internal static async Task<IResult> BreachReportCsvAsync(
        string? actor, string? ip, string? session, string? from, string? to, BreachReportCsvHandler handler, ClientContext client, CancellationToken ct) =>
        new CsvResult(await handler.HandleAsync(new BreachReportCsvCommand(BreachFilter(actor, ip, session, from, to)), client.Current, ct));

    /// <summary>The query string's name of a report kind.</summary>
    public static string KindName(ClientReportKind kind) => kind == ClientReportKind.Access ? "access" : "disclosures";

    private static ClientReportKind ParseKind(string? kind) => kind switch
    {
        null or "" or "disclosures" => ClientReportKind.Disclosures,
        "access" => ClientReportKind.Access,
        _ => throw new ValidationFailedException("The kind is 'disclosures' or 'access'."),
    };

    private static DateTimeOffset? ParseTime(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new ValidationFailedException($"'{name}' must be an ISO 8601 date or time, for example 2026-01-31 or 2026-01-31T09:00:00Z.");
    }

    private static BreachReportCommand BreachFilter(string? actor, string? ip, string? session, string? from, string? to)
    {
        ClinicalSessionId? sessionId = null;
        if (!string.IsNullOrWhiteSpace(session))
        {
            sessionId = ClinicalSessionId.TryParse(session, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new ValidationFailedException("'session' must be a clinical session id.");
        }

        return new BreachReportCommand(actor, ip, sessionId, ParseTime(from, "from"), ParseTime(to, "to"));
    }

    /// <summary>Writes a report's lines as a CSV download while they are read, flushing in blocks; nothing is held whole.</summary>
    private sealed class CsvResult(ReportCsv csv) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var ct = httpContext.RequestAborted;
            response.ContentType = "text/csv; charset=utf-8";
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(csv.FileName);
            response.Headers.ContentDisposition = disposition.ToString();
            await using var writer = new StreamWriter(response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 32 * 1024);
            var lines = 0;
            await foreach (var line in csv.Lines.WithCancellation(ct))
            {
                await writer.WriteAsync(line.AsMemory(), ct);
                await writer.WriteAsync("\r\n".AsMemory(), ct);
                if (++lines % 1000 == 0)
                {
                    await writer.FlushAsync(ct);
                }
            }

            await writer.FlushAsync(ct);
        }
    }
}
