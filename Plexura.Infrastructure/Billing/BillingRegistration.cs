using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plexura.Core.Billing;
using Plexura.Infrastructure.Persistence.Repositories;

namespace Plexura.Infrastructure.Billing;

/// <summary>Registers billing's adapters: configuration, repositories, the Stripe gateway and the webhook reader.</summary>
internal static class BillingRegistration
{
    public static void Add(IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<IBillingConfiguration, BillingConfiguration>());
        services.AddSingleton<IPracticeBillingRepository, PracticeBillingRepository>();
        services.AddSingleton<IStripeEventStore, StripeEventStore>();
        services.TryAddSingleton<IBillingGateway, StripeBillingGateway>();
        services.TryAddSingleton<IBillingWebhookReader, StripeWebhookReader>();
    }
}
