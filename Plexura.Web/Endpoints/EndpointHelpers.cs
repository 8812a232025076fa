using System.Buffers;

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

    /// <summary>
    /// The whole body in a buffer rented from the shared pool, or null when it is longer than <paramref name="max"/> bytes
    /// (reading stops one byte past it). The buffer is sized from <paramref name="declaredLength"/> when the client
    /// declared one, so a body is copied once, from the connection into the buffer; dispose the result to zero the buffer
    /// and give it back.
    /// </summary>
    public static async Task<PooledBody?> ReadBoundedPooledAsync(Stream body, long? declaredLength, int max, CancellationToken ct)
    {
        // One byte more than allowed, so an over-long body is seen without reading further.
        var size = declaredLength is { } declared && declared <= max ? (int)declared + 1 : Math.Min(max + 1, 64 * 1024);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var length = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(length), ct)) > 0)
            {
                length += read;
                if (length > max)
                {
                    Return(buffer, length);
                    return null;
                }

                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    Return(buffer, length);
                    buffer = larger;
                }
            }

            return new PooledBody(buffer, length);
        }
        catch
        {
            Return(buffer, length);
            throw;
        }
    }

    /// <summary>An endpoint filter marking the answer as never to be cached (it may carry PHI).</summary>
    public static async ValueTask<object?> NoStore(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        return await next(context);
    }

    private static void Return(byte[] buffer, int used)
    {
        buffer.AsSpan(0, used).Clear();
        ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>A request body in a pooled buffer (see <see cref="ReadBoundedPooledAsync"/>); disposing zeroes and returns it.</summary>
    internal sealed class PooledBody(byte[] buffer, int length) : IDisposable
    {
        private byte[]? _buffer = buffer;

        /// <summary>The body's bytes; valid until disposed.</summary>
        public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBody))).AsMemory(0, length);

        /// <inheritdoc />
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
            {
                Return(buffer, length);
            }
        }
    }
}
