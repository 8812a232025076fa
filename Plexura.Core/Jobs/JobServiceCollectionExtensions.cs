using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Plexura.Core.Jobs;

/// <summary>Registers job handlers.</summary>
public static class JobServiceCollectionExtensions
{
    /// <summary>Adds <typeparamref name="T"/> as the handler of its <see cref="IJobHandler.Kind"/> (resolved in a scope per run).</summary>
    public static IServiceCollection AddJobHandler<T>(this IServiceCollection services)
        where T : class, IJobHandler
    {
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IJobHandler, T>());
        return services;
    }

    /// <summary>
    /// Adds <typeparamref name="T"/> as a recurring job: one stored job (dedupe key <c>recurring/{kind}</c>, no practice,
    /// payload <c>{}</c>) that runs every <paramref name="every"/>. The runner enqueues it at start (the dedupe key
    /// keeps one across instances) and, whenever a run ends (done, or failed for good), puts it back due
    /// <paramref name="every"/> later with a fresh attempt count; transient failures retry with backoff in between.
    /// </summary>
    public static IServiceCollection AddRecurringJob<T>(this IServiceCollection services, TimeSpan every)
        where T : class, IJobHandler
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(every, TimeSpan.Zero);
        services.AddJobHandler<T>();
        services.AddSingleton(new RecurringJob(typeof(T), every));
        return services;
    }
}

/// <summary>A handler registered with <see cref="JobServiceCollectionExtensions.AddRecurringJob{T}"/> and its period.</summary>
/// <param name="HandlerType">The handler's type.</param>
/// <param name="Every">The time from the end of one run to the next.</param>
public sealed record RecurringJob(Type HandlerType, TimeSpan Every)
{
    /// <summary>What every recurring job's dedupe key starts with.</summary>
    public const string DedupeKeyPrefix = "recurring/";

    /// <summary>The dedupe key of the one stored job of a recurring <paramref name="kind"/>.</summary>
    public static string DedupeKeyOf(string kind) => DedupeKeyPrefix + kind;
}
