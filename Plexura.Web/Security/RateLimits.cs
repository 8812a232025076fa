using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Plexura.Web.Security;

/// <summary>Section <c>Plexura:RateLimits</c>: how many attempts one IP address may make per window.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Plexura:RateLimits";

    /// <summary>Sign-in and second-factor attempts per IP per minute (pages and the token endpoint alike).</summary>
    public int SignInPerMinute { get; set; } = 10;

    /// <summary>Practice sign-ups and invitation acceptances per IP per hour.</summary>
    public int SignUpPerHour { get; set; } = 10;

    /// <summary>Password-reset requests and completions, and verification-email requests, per IP per 15 minutes.</summary>
    public int PasswordResetPer15Minutes { get; set; } = 5;
}

/// <summary>The per-IP rate-limit policies of the identity pages and endpoints (HIPAA 3.5).</summary>
/// <remarks>
/// Only submissions count: a GET of the sign-in page is free, a POST is limited. The partition is the client IP as
/// the server sees it; behind a proxy configure forwarded headers so it is the real client's. A rejection is 429 with
/// <c>Retry-After</c> (see <c>DependencyInjection.AddRateLimits</c>). This is the outer layer; the per-account lockout in
/// Core stops slow guessing of one account from many addresses.
/// </remarks>
public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string SignUp = "sign-up";
    public const string PasswordReset = "password-reset";

    /// <summary>Adds the policies with the configured limits.</summary>
    public static void Add(RateLimiterOptions options, RateLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limits);
        AddPerIp(options, SignIn, limits.SignInPerMinute, TimeSpan.FromMinutes(1));
        AddPerIp(options, SignUp, limits.SignUpPerHour, TimeSpan.FromHours(1));
        AddPerIp(options, PasswordReset, limits.PasswordResetPer15Minutes, TimeSpan.FromMinutes(15));
    }

    private static void AddPerIp(RateLimiterOptions options, string policy, int permits, TimeSpan window) =>
        options.AddPolicy(policy, context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            ? RateLimitPartition.GetNoLimiter("read")
            : RateLimitPartition.GetFixedWindowLimiter(
                $"{policy}:{context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 }));
}
