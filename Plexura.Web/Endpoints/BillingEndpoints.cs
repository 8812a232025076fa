using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Plexura.Core.Billing;
using Plexura.Core.Billing.CompleteCheckout;
using Plexura.Core.Billing.GetBillingOverview;
using Plexura.Core.Billing.OpenBillingPortal;
using Plexura.Core.Billing.StartCheckout;
using Plexura.Core.Billing.SyncSeats;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;

namespace Plexura.Web.Endpoints;

/// <summary>A Checkout request.</summary>
/// <param name="Annual">Subscribe to the annual price.</param>
public sealed record StartCheckoutRequest(bool Annual = false);

/// <summary>A Checkout return to verify.</summary>
/// <param name="SessionId">The <c>checkout</c> value of the return URL.</param>
public sealed record CompleteCheckoutRequest(string? SessionId);

/// <summary>Billing: Stripe's webhook (anonymous, signature-verified) and the owner's Checkout, portal and seat actions.</summary>
/// <remarks>
/// <para><c>POST /api/stripe/webhook</c> is not cookie-authenticated, so no antiforgery token applies; the Stripe
/// signature (HMAC-SHA256 with the endpoint secret, 300 s tolerance) is its authentication. A forged, unsigned or old
/// delivery is 400 and changes nothing; an unknown type is 200 and ignored; a duplicate is 200 and applied once.</para>
/// <para>The owner endpoints are gated by <see cref="Policies.PracticeOwner"/>; Core checks again
/// (<see cref="BillingPolicy.CanManageBilling"/>) and audits a refusal. None takes a practice id: it is the signed-in
/// owner's.</para>
/// </remarks>
public static class BillingEndpoints
{
    /// <summary>The largest webhook body accepted (Stripe's events are a few kilobytes).</summary>
    public const int MaxWebhookBytes = 256 * 1024;

    /// <summary>Maps the billing endpoints under the api group.</summary>
    public static IEndpointRouteBuilder MapBillingEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/stripe/webhook", WebhookAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxWebhookBytes))
            .WithTags("Billing")
            .WithName("StripeWebhook")
            .WithSummary("Receives Stripe's signed webhook deliveries; each event is applied once.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        var owner = api.MapGroup("/v1/billing")
            .WithTags("Billing")
            .RequireAuthorization(Policies.PracticeOwner)
            .WithMetadata(new RequestSizeLimitAttribute(4 * 1024))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        owner.MapGet("/", OverviewAsync).WithName("GetBilling").WithSummary("The practice's plan, status, seats and recent invoices.");
        owner.MapPost("/checkout", CheckoutAsync).WithName("StartCheckout").WithSummary("Starts Stripe Checkout; returns the hosted page's URL.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        owner.MapPost("/checkout/complete", CompleteAsync).WithName("CompleteCheckout").WithSummary("Verifies a Checkout return server-side.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        owner.MapPost("/portal", PortalAsync).WithName("OpenBillingPortal").WithSummary("Opens Stripe's customer portal; returns its URL.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        owner.MapPost("/seats/sync", SyncSeatsAsync).WithName("SyncSeats").WithSummary("Queues a seat-count update for the owner's own practice.");
        return api;
    }

    internal static async Task<Results<Ok<WebhookResult>, ProblemHttpResult>> WebhookAsync(
        HttpRequest request, ProcessStripeWebhookHandler handler, ILoggerFactory loggers, CancellationToken ct)
    {
        string payload;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            payload = await reader.ReadToEndAsync(ct);
        }

        try
        {
            return TypedResults.Ok(await handler.HandleAsync(payload, request.Headers["Stripe-Signature"].FirstOrDefault(), ct));
        }
        catch (WebhookRejectedException ex)
        {
            loggers.CreateLogger(typeof(BillingEndpoints)).LogWarning("Stripe webhook refused: {Code}", ex.Code);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest, title: "Webhook refused", detail: $"The delivery was refused ({ex.Code}).");
        }
    }

    internal static async Task<Ok<BillingOverview>> OverviewAsync(GetBillingOverviewHandler handler, ClientContext client, CancellationToken ct) =>
        TypedResults.Ok(await handler.HandleAsync(client.Current, ct));

    internal static async Task<Ok<CheckoutStart>> CheckoutAsync(StartCheckoutRequest? request, StartCheckoutHandler handler, ClientContext client, CancellationToken ct) =>
        TypedResults.Ok(await handler.HandleAsync(new StartCheckoutCommand(request?.Annual ?? false), client.Current, ct));

    internal static async Task<Results<Ok<CompleteCheckoutResponse>, ProblemHttpResult>> CompleteAsync(
        CompleteCheckoutRequest? request, CompleteCheckoutHandler handler, ClientContext client, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request?.SessionId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: "Send the checkout session id.");
        }

        var status = await handler.HandleAsync(new CompleteCheckoutCommand(request.SessionId), client.Current, ct);
        return TypedResults.Ok(new CompleteCheckoutResponse(BillingApplier.Code(status)));
    }

    internal static async Task<Ok<PortalResponse>> PortalAsync(OpenBillingPortalHandler handler, ClientContext client, CancellationToken ct) =>
        TypedResults.Ok(new PortalResponse(await handler.HandleAsync(client.Current, ct)));

    internal static async Task<Accepted> SyncSeatsAsync(SyncSeatsHandler handler, ClientContext client, CancellationToken ct)
    {
        await handler.HandleAsync(client.Current, ct);
        return TypedResults.Accepted((string?)null);
    }
}

/// <summary>The subscription's status after a verified Checkout return.</summary>
public sealed record CompleteCheckoutResponse(string Status);

/// <summary>The customer portal's URL.</summary>
public sealed record PortalResponse(string Url);
