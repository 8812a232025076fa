using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Plexura.Core.Common;
using Plexura.Web.Security;

namespace Plexura.Tests.Api;

public sealed class ProblemExceptionHandlerTests
{
    public static TheoryData<Exception, int> DomainExceptions => new()
    {
        { new RecordNotFoundException("Patient"), 404 },
        { new ConcurrencyConflictException("Note"), 409 },
        { new DuplicateRecordException("User", "email"), 409 },
        { new ValidationFailedException("The session date cannot be in the future."), 400 },
        { new BadHttpRequestException("Request body too large.", 413), 413 },
        { new ServiceBusyException(ServiceBusyException.PasswordHashingMessage, TimeSpan.FromSeconds(5)), 503 },
    };

    [Theory]
    [MemberData(nameof(DomainExceptions))]
    public async Task TryHandleAsync_DomainException_WritesStatusWithMessageAsDetail(Exception exception, int status)
    {
        var (context, body) = NewContext();

        var handled = await NewHandler(context).TryHandleAsync(context, exception, CancellationToken.None);

        Assert.True(handled);
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        using var problem = JsonDocument.Parse(body.ToArray());
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        if (exception is not BadHttpRequestException)
        {
            Assert.Equal(exception.Message, problem.RootElement.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task TryHandleAsync_UnexpectedException_Writes500WithoutMessageOrStackButWithTraceId()
    {
        var (context, body) = NewContext();
        var exception = new InvalidOperationException("Patient Jane Doe, DOB 1980-01-01");

        await NewHandler(context).TryHandleAsync(context, exception, CancellationToken.None);

        Assert.Equal(500, context.Response.StatusCode);
        var json = System.Text.Encoding.UTF8.GetString(body.ToArray());
        Assert.DoesNotContain("Jane", json, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", json, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(json);
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task TryHandleAsync_ServiceBusy_Writes503WithRetryAfter()
    {
        var (context, _) = NewContext();

        await NewHandler(context).TryHandleAsync(
            context, new ServiceBusyException(ServiceBusyException.PasswordHashingMessage, TimeSpan.FromSeconds(4.2)), CancellationToken.None);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
    }

    private static ProblemExceptionHandler NewHandler(HttpContext context) =>
        new(context.RequestServices.GetRequiredService<IProblemDetailsService>(), NullLogger<ProblemExceptionHandler>.Instance);

    private static (DefaultHttpContext Context, MemoryStream Body) NewContext()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var body = new MemoryStream();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Headers.Accept = "application/json";
        context.Response.Body = body;
        return (context, body);
    }
}
