using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Plexura.Core.Email;
using Plexura.Infrastructure.Common;
using Plexura.Infrastructure.Configuration;

namespace Plexura.Infrastructure.Email;

/// <summary>Registers the email queue and chooses its transport by configuration.</summary>
internal static class EmailRegistration
{
    /// <summary>
    /// The queue (<see cref="IEmailSender"/>) always; the transport is Resend when an API key is configured, the
    /// development outbox otherwise. The delivery worker is added with the hosted services, after storage start-up.
    /// </summary>
    public static void Add(IServiceCollection services, EmailOptions configured)
    {
        services.AddSingleton<WakeSignal<EmailQueue>>();
        services.AddSingleton<IEmailSender, EmailQueue>();
        if (configured.UsesDevelopmentOutbox)
        {
            services.AddSingleton<IEmailTransport, DevelopmentOutboxTransport>();
        }
        else
        {
            AddResend(services);
        }
    }

    /// <summary>The typed Resend client with its attempt timeout, registered as the <see cref="IEmailTransport"/>.</summary>
    public static void AddResend(IServiceCollection services)
    {
        services.AddHttpClient<IEmailTransport, ResendEmailSender>((sp, client) =>
            {
                var baseUrl = sp.GetRequiredService<IOptions<EmailOptions>>().Value.ResendBaseUrl;
                client.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
            })
            .AddResilienceHandler(ResendResilience.PipelineName, ResendResilience.Configure);
    }
}
