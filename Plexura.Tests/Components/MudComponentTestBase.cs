using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using Plexura.Web.Security.Authentication;

namespace Plexura.Tests.Components;

/// <summary>bUnit context with MudBlazor services, loose JS interop and no transitions.</summary>
/// <remarks>MudBlazor's services are only async-disposable, so the context is disposed through <see cref="IAsyncLifetime"/>.</remarks>
public abstract class MudComponentTestBase : IAsyncLifetime
{
    protected MudComponentTestBase()
    {
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Authorization = Context.AddAuthorization();
        Context.Services.AddScoped<CurrentUser>();
        Context.Services.AddSingleton<TimeProvider>(Time);
        Context.Services.AddSingleton<IHostEnvironment>(new TestHostEnvironment());
    }

    protected BunitContext Context { get; } = new();

    /// <summary>Who the rendered components see as signed in; anonymous until a test says otherwise.</summary>
    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>The clock the components read.</summary>
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    /// <summary>Runs after derived constructors have added their services: setting the renderer info builds the provider.</summary>
    /// <remarks>Interactive, as on a Blazor Server circuit (the layout disables its buttons while prerendering).</remarks>
    public Task InitializeAsync()
    {
        Context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Context.DisposeAsync();
}

/// <summary>A Production host environment for rendered components.</summary>
internal sealed class TestHostEnvironment : IHostEnvironment
{
    public string EnvironmentName { get; set; } = Environments.Production;

    public string ApplicationName { get; set; } = "Plexura.Web";

    public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}
