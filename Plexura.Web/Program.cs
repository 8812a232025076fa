using MudBlazor.Services;
using Plexura.Core;
using Plexura.Infrastructure;
using Plexura.Infrastructure.Configuration;
using Plexura.Web.Components;

var builder = WebApplication.CreateBuilder(args);
if (builder.Environment.IsDevelopment())
{
    using var loggerFactory = LoggerFactory.Create(b => b.AddConsole());
    var startupLogger = loggerFactory.CreateLogger("Plexura.Startup");
    DevelopmentMasterKey.EnsureConfigured(builder.Configuration, builder.Environment.ContentRootPath, startupLogger);
    DevelopmentSigningKey.EnsureConfigured(builder.Configuration, builder.Environment.ContentRootPath, startupLogger);
}

builder.Services.AddPlexuraCore();
builder.Services.AddPlexuraInfrastructure(builder.Configuration, builder.Environment.ContentRootPath);
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();

var app = builder.Build();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
