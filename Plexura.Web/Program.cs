using Plexura.Core;
using Plexura.Infrastructure;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Persistence.Mongo;
using Plexura.Web;

if (args.Contains(HealthProbe.Argument))
{
    return await HealthProbe.RunAsync();
}

if (args.Length > 0 && args[0] == VerifyExportCommand.Command)
{
    // Checks an audit export against its signed manifest, offline (README, "Audit exports").
    return await VerifyExportCommand.RunAsync(args[1..], Console.Out, CancellationToken.None);
}

if (args.Contains(MongoRoleScript.Command))
{
    // Prints the MongoDB role script (README, "Production database role") generated from the collection definitions.
    Console.Out.Write(MongoRoleScript.Generate());
    return 0;
}

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
builder.AddPlexuraWeb();

var app = builder.Build();
app.UsePlexuraWeb();
await app.RunAsync();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
