using System.Globalization;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Plexura.Core.Identity;
using Plexura.Web.Components;
using Plexura.Web.Components.Layout;
using Plexura.Web.Endpoints;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;
using Plexura.Web.Time;
using AspNetCorsOptions = Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions;

namespace Plexura.Web;

/// <summary>The web shell: Blazor with MudBlazor, the HTTP pipeline, health, OpenAPI and the API endpoints.</summary>
public static class DependencyInjection
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string NotFoundPath = "/not-found";

    /// <summary>Adds the web services; options are validated at start.</summary>
    public static WebApplicationBuilder AddPlexuraWeb(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<CorsOptions>().Bind(builder.Configuration.GetSection(CorsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CorsOptions>, CorsOptionsValidator>();
        services.AddCors();
        services.AddOptions<AspNetCorsOptions>().Configure<IOptions<CorsOptions>>((cors, plexura) =>
            cors.AddPolicy(CorsOptions.PolicyName, policy => policy
                .WithOrigins(plexura.Value.AllowedOrigins)
                .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
                .WithHeaders("Content-Type", "Authorization", "If-Match")
                .WithExposedHeaders("ETag", "Location", "Retry-After")));

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => o.SignInPerMinute > 0 && o.SignUpPerHour > 0 && o.PasswordResetPer15Minutes > 0,
                $"{RateLimitOptions.Section}: SignInPerMinute, SignUpPerHour and PasswordResetPer15Minutes must be positive.")
            .ValidateOnStart();
        var limits = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(options =>
        {
            AddRateLimits(options);
            RateLimits.Add(options, limits);
        });
        services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(365);
            hsts.IncludeSubDomains = true;
        });
        services.AddOpenApi();

        // Enums travel as their names ("Clinician", "AiProcessing"), and only as names: a number would bind to any
        // value of the enum's range, defined or not.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false)));

        AddAuthentication(builder);
        AddHardening(builder);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSingleton<ThemeStylesheet>();
        services.AddScoped<PracticeClock>();
        return builder;
    }

    /// <summary>Builds the request pipeline and maps every endpoint.</summary>
    public static WebApplication UsePlexuraWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        WarnWhenMailGoesToTheOutbox(app);
        if (app.Services.GetRequiredService<IOptions<NetworkOptions>>().Value.TrustedProxies.Length > 0)
        {
            // First, so the rate limiter, HSTS, the audit log and everything else see the real client and scheme.
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        if (!app.Environment.IsDevelopment())
        {
            // HTTPS itself is enforced by the TLS-terminating proxy in front; HSTS is sent on https requests.
            app.UseHsts();
        }

        app.UseWhen(IsApi, api =>
        {
            api.UseStatusCodePages();
            api.Use(NoStore);
        });
        app.UseWhen(context => !IsApi(context), html => html.UseStatusCodePagesWithReExecute(NotFoundPath, createScopeForStatusCodePages: true));
        app.UseRouting();
        app.UseMiddleware<RequestSizeLimitMiddleware>();
        app.UseCors();
        app.UseAuthentication();
        app.UseMiddleware<CurrentUserMiddleware>();
        app.UseMiddleware<ApiForgeryProtectionMiddleware>();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Infrastructure.DependencyInjection.ReadyTag),
            ResponseWriter = ReadinessReport.WriteAsync,
        });
        if (app.Environment.IsDevelopment() || app.Services.GetRequiredService<IOptions<OpenApiOptions>>().Value.Enabled)
        {
            app.MapOpenApi();
        }

        var api = app.MapGroup("/api").RequireCors(CorsOptions.PolicyName);
        api.MapCspReportEndpoints();
        api.MapAuthApiEndpoints();
        api.MapClientEndpoints();
        api.MapSessionEndpoints();
        api.MapNoteEndpoints();
        api.MapMemberEndpoints();
        api.MapAuditLogEndpoints();
        api.MapComplianceReportEndpoints();
        api.MapEmergencyAccessEndpoints();
        api.MapAuditExportEndpoints();
        api.MapBillingEndpoints();
        app.MapAccountEndpoints();
        app.MapStaticAssets();
        app.MapThemeStylesheet();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <remarks>
    /// Without a Resend key mail lands in the development outbox, which only Development can show: elsewhere that means
    /// invitations and resets silently go nowhere, so say so loudly at start.
    /// </remarks>
    private static void WarnWhenMailGoesToTheOutbox(WebApplication app)
    {
        if (!app.Environment.IsDevelopment() && app.Services.GetRequiredService<IOptions<Infrastructure.Configuration.EmailOptions>>().Value.UsesDevelopmentOutbox)
        {
            app.Logger.LogWarning("No Plexura:Email:ResendApiKey is configured: email is kept in the development outbox and is NOT delivered.");
        }
    }

    /// <remarks>
    /// Core registers a <see cref="NoCurrentUser"/> fallback; the web replaces it with the per-request and per-circuit
    /// <see cref="CurrentUser"/>, which the token handler, the middleware and the circuit handler keep up to date.
    /// </remarks>
    private static void AddAuthentication(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, _ => { });
        services.AddAuthorization(Policies.Add);
        services.AddCascadingAuthenticationState();
        services.AddOptions<CircuitAuthenticationOptions>().Bind(builder.Configuration.GetSection(CircuitAuthenticationOptions.Section));
        services.AddScoped<AuthenticationStateProvider, SessionRevalidatingAuthenticationStateProvider>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<ClientContext>();
        services.AddScoped<RouteRefusalAudit>();
        services.RemoveAll<ICurrentUser>();
        services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<CurrentUser>());
        services.AddScoped<CircuitHandler, CurrentUserCircuitHandler>();
    }

    /// <remarks>
    /// The web hardening of issue 9: forwarded headers only from trusted proxies (<see cref="ForwardedHeadersSetup"/>),
    /// the antiforgery token in a header for API calls from the app's pages and its cookie Secure and host-only, no
    /// <c>Server</c> header (it names the server software for free), and the OpenAPI switch.
    /// </remarks>
    private static void AddHardening(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NetworkOptions>().Bind(builder.Configuration.GetSection(NetworkOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NetworkOptions>, NetworkOptionsValidator>();
        services.AddSingleton<IPostConfigureOptions<ForwardedHeadersOptions>, ForwardedHeadersSetup>();
        services.AddOptions<OpenApiOptions>().Bind(builder.Configuration.GetSection(OpenApiOptions.Section));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = ApiForgeryProtectionMiddleware.HeaderName;
            antiforgery.Cookie = new AlwaysSecureCookieBuilder();
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
    }

    /// <summary>The antiforgery cookie's name (see <see cref="AlwaysSecureCookieBuilder"/>).</summary>
    public const string AntiforgeryCookieName = AlwaysSecureCookieBuilder.CookieName;

    /// <remarks>
    /// Every API answer may name a client, a member or a session: none may be kept by the browser or a shared cache.
    /// Set when the answer starts, so every endpoint, error and status-code page gets it without remembering to.
    /// </remarks>
    private static Task NoStore(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(static state =>
        {
            ((HttpContext)state).Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    private static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api");

    private static void AddRateLimits(RateLimiterOptions options)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.AddPolicy(CspReportEndpoints.RateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 60, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        options.OnRejected = async (context, ct) =>
        {
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                context.HttpContext.Response.Headers.RetryAfter =
                    ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context.HttpContext,
                ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "Slow down and retry later." },
            });
        };
    }
}
