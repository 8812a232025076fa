using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Tests.Web;
using Plexura.Web.Security;

namespace Plexura.Tests.Architecture;

/// <summary>Every page and every API endpoint says who may reach it, so a new one cannot be public by omission.</summary>
/// <remarks>
/// The first of the two checks (the Core use case is the second). A page or endpoint must carry either an
/// authorization requirement or an explicit <see cref="AllowAnonymousAttribute"/>; pages under a feature folder that
/// holds client records must use <see cref="Policies.ClientRecords"/>, and practice administration
/// <see cref="Policies.PracticeManager"/>.
/// </remarks>
public sealed class WebAccessRulesTests
{
    private static readonly Assembly Web = typeof(Policies).Assembly;

    public static TheoryData<Type> RoutablePages()
    {
        var data = new TheoryData<Type>();
        foreach (var type in Web.GetTypes().Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttributes<RouteAttribute>().Any()))
        {
            data.Add(type);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RoutablePages))]
    public void Page_DeclaresWhoMayOpenIt(Type page)
    {
        var authorize = page.GetCustomAttributes<AuthorizeAttribute>(inherit: true).ToList();
        var anonymous = page.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is not null;

        Assert.True(authorize.Count > 0 ^ anonymous, $"{page.FullName} must carry exactly one of [Authorize(...)] and [AllowAnonymous].");
        var area = page.Namespace!.Split('.').Last();
        var expected = area switch
        {
            "Clients" => Policies.ClientRecords,
            "Sessions" => Policies.ClientRecords,
            "Practice" => Policies.PracticeManager,
            "Compliance" => Policies.AuditReaders,
            _ => null,
        };
        if (expected is not null)
        {
            Assert.Contains(authorize, a => a.Policy == expected);
        }
    }

    [Fact]
    public void ApiEndpoint_DeclaresWhoMayCallIt()
    {
        using var factory = new PlexuraWebFactory();
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .ToList();

        Assert.NotEmpty(endpoints);
        var undeclared = endpoints
            .Where(e => !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any() && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => e.DisplayName);
        Assert.Empty(undeclared);
    }
}
