using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plexura.Core.Billing.CompleteCheckout;
using Plexura.Core.Billing.GetBillingOverview;
using Plexura.Core.Billing.OpenBillingPortal;
using Plexura.Core.Billing.StartCheckout;
using Plexura.Core.Billing.SyncSeats;
using Plexura.Core.Jobs;

namespace Plexura.Core.Billing;

/// <summary>Registers billing's Core services.</summary>
public static class BillingServiceCollectionExtensions
{
    /// <summary>Adds the billing rules, use cases and the seat-sync job. Infrastructure registers the ports.</summary>
    public static IServiceCollection AddPlexuraBilling(this IServiceCollection services)
    {
        services.TryAddSingleton<IBillingConfiguration, BillingOff>();
        services.AddScoped<BillingState>();
        services.AddScoped<BillingGuard>();
        services.AddScoped<BillingEmails>();
        services.AddScoped<BillingApplier>();
        services.AddScoped<BillingSeatRequests>();
        services.AddScoped<GetBillingOverviewHandler>();
        services.AddScoped<StartCheckoutHandler>();
        services.AddScoped<CompleteCheckoutHandler>();
        services.AddScoped<OpenBillingPortalHandler>();
        services.AddScoped<SyncSeatsHandler>();
        services.AddScoped<ProcessStripeWebhookHandler>();
        services.AddJobHandler<SeatSyncJob>();
        return services;
    }

    /// <summary>Billing off until Infrastructure registers the configured one.</summary>
    private sealed class BillingOff : IBillingConfiguration
    {
        public bool IsEnabled => false;

        public string? MonthlyPriceId => null;

        public string? AnnualPriceId => null;

        public int TrialDays => 0;

        public int GraceDays => 14;
    }
}
