using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Billing.CompleteCheckout;

/// <summary>The owner came back from Checkout with this session id (from the return URL: untrusted).</summary>
/// <param name="SessionId">Stripe's Checkout session id.</param>
public sealed record CompleteCheckoutCommand(string SessionId);

/// <summary>Verifies a Checkout return server-side and links the subscription at once (the webhook may come later).</summary>
/// <remarks>
/// The id comes from the browser, so it is only a hint: the session is retrieved from Stripe, and its
/// <c>practice_id</c> metadata must be the signed-in owner's practice. A tampered id (another practice's session,
/// an unknown one, a malformed one) is refused with a clear message, audited as <see cref="AuditResult.Denied"/>, and
/// nothing changes.
/// </remarks>
public sealed class CompleteCheckoutHandler(PracticeAccessGate gate, IBillingConfiguration config, IBillingGateway gateway, BillingApplier applier, TimeProvider time)
{
    /// <summary>Shown for a session id that is not this practice's Checkout.</summary>
    public const string NotYoursMessage = "This checkout link does not belong to your practice. Start the subscription again from the Billing page.";

    /// <summary>Shown when the Checkout is not finished.</summary>
    public const string NotCompleteMessage = "The checkout is not finished yet. Complete it on Stripe's page, or start again.";

    /// <summary>The status after; throws <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task<BillingStatus> HandleAsync(CompleteCheckoutCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = await gate.RequireAsync(BillingPolicy.CanManageBilling, AuditAction.SettingsChanged, "billing", client, ct);
        if (!config.IsEnabled)
        {
            throw new ValidationFailedException(StartCheckout.StartCheckoutHandler.BillingOffMessage);
        }

        var id = command.SessionId?.Trim() ?? string.Empty;
        var valid = id.Length is > 3 and <= 200 && id.StartsWith("cs_", StringComparison.Ordinal) && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        var session = valid ? await gateway.GetCheckoutAsync(id, ct) : null;
        if (session is null || !string.Equals(session.PracticeIdMetadata, actor.PracticeId.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            await gate.EnsureAsync(actor, PracticeDecision.Deny("checkout-not-yours", NotYoursMessage), AuditAction.SettingsChanged, "billing", null, client, ct);
        }

        if (session!.Status != "complete" || session.SubscriptionId is null)
        {
            throw new ValidationFailedException(NotCompleteMessage);
        }

        var by = new AuditActor(actor.UserId, actor.Email);
        if (session.CustomerId is { } customer)
        {
            await applier.LinkCustomerAsync(actor.PracticeId, customer, session.Id, by, ct);
        }

        var subscription = await gateway.GetSubscriptionAsync(session.SubscriptionId, ct);
        await applier.ApplySubscriptionAsync(actor.PracticeId, subscription, time.GetUtcNow(), session.Id, by, ct);
        return BillingRules.ParseStatus(subscription.Status);
    }
}
