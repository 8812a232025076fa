using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Tests.Support;

/// <summary>Builds a Core handler as a given signed-in user, for tests and the benchmarks (which links this file).</summary>
/// <remarks>
/// Every Core service in the handler's graph that reads the current user (the gates, the actor loader, access targets)
/// is built here with that user; everything else comes from <c>services</c>. The container itself has no signed-in user.
/// </remarks>
internal static class ActingAs
{
    /// <summary><typeparamref name="T"/> with <paramref name="currentUser"/> as the signed-in user.</summary>
    public static T Build<T>(IServiceProvider services, ICurrentUser currentUser)
        where T : class => (T)Build(typeof(T), services, currentUser, []);

    private static object Build(Type type, IServiceProvider services, ICurrentUser currentUser, Dictionary<Type, object> built)
    {
        if (type == typeof(ICurrentUser))
        {
            return currentUser;
        }

        if (built.TryGetValue(type, out var existing))
        {
            return existing;
        }

        if (!ReadsCurrentUser(type))
        {
            return services.GetRequiredService(type);
        }

        var constructor = type.GetConstructors().Single();
        var instance = constructor.Invoke([.. constructor.GetParameters().Select(p => Build(p.ParameterType, services, currentUser, built))]);
        built[type] = instance;
        return instance;
    }

    private static bool ReadsCurrentUser(Type type) =>
        type == typeof(ICurrentUser)
        || (type.Assembly == typeof(PracticeId).Assembly && type.IsClass && !type.IsAbstract
            && type.GetConstructors().SingleOrDefault() is { } constructor
            && constructor.GetParameters().Any(p => ReadsCurrentUser(p.ParameterType)));
}
