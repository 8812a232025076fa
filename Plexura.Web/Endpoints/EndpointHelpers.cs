namespace Plexura.Web.Endpoints;

/// <summary>What several endpoint groups share: bounded body reading and the no-store filter.</summary>
internal static class EndpointHelpers
{
    /// <summary>The whole body, or null when it is longer than <paramref name="max"/> bytes (reading stops there).</summary>
    public static async Task<byte[]?> ReadBoundedAsync(Stream body, int max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>An endpoint filter marking the answer as never to be cached (it may carry PHI).</summary>
    public static async ValueTask<object?> NoStore(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        return await next(context);
    }
}
