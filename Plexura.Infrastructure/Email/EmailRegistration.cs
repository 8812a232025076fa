using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Plexura.Core.Email;
using Plexura.Infrastructure.Configuration;

namespace Plexura.Infrastructure.Email;

/// <summary>Chooses the email sender by configuration.</summary>
internal static class EmailRegistration
{
    /// <summary>Resend when an API key is configured, the development outbox otherwise.</summary>
    public static void Add(IServiceCollection services, EmailOptions configured)
    {
        if (configured.UsesDevelopmentOutbox)
        {
            services.AddSingleton<IEmailSender, OutboxEmailSender>();
        }
        else
        {
            AddResend(services);
        }
    }

    /// <summary>The typed Resend client with its retry pipeline, registered as the <see cref="IEmailSender"/>.</summary>
    public static void AddResend(IServiceCollection services)
    {
        services.AddHttpClient<IEmailSender, ResendEmailSender>((sp, client) =>
            {
                var baseUrl = sp.GetRequiredService<IOptions<EmailOptions>>().Value.ResendBaseUrl;
                client.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
            })
            .AddResilienceHandler(ResendResilience.PipelineName, ResendResilience.Configure);
    }
}
