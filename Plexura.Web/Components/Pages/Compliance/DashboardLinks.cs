using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Plexura.Core.Auditing;
using Plexura.Core.Compliance.GetComplianceDashboard;

namespace Plexura.Web.Components.Pages.Compliance;

/// <summary>Links from the dashboard to the audit log page, and plain names for what the charts count.</summary>
/// <remarks>
/// The audit log page reads the filters <c>from</c>, <c>to</c> (ISO 8601 instants), <c>action</c>, <c>result</c>
/// (enum names), <c>actor</c> (user id) and <c>ip</c>: ids, names of codes and times, never a client's name.
/// </remarks>
public static class DashboardLinks
{
    /// <summary>The audit log page.</summary>
    public const string AuditLog = "/compliance/audit";

    /// <summary>The link that opens the audit log filtered by <paramref name="filter"/>.</summary>
    public static string ToAuditLog(AuditLogFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (filter.From is { } from)
        {
            query["from"] = from.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        if (filter.To is { } to)
        {
            query["to"] = to.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        if (filter.Action is { } action)
        {
            query["action"] = action.ToString();
        }

        if (filter.Actor is { } actor)
        {
            query["actor"] = actor.ToString();
        }

        if (filter.Result is { } result)
        {
            query["result"] = result.ToString();
        }

        if (filter.SourceIp is { } ip)
        {
            query["ip"] = ip;
        }

        return QueryHelpers.AddQueryString(AuditLog, query);
    }

    /// <summary>An action in plain words, for chart legends and tables.</summary>
    public static string ActionName(AuditAction action) => action switch
    {
        AuditAction.SignIn => "Sign-ins",
        AuditAction.SignInFailed => "Failed sign-ins",
        AuditAction.SignOut => "Sign-outs",
        AuditAction.PhiViewed => "Client records viewed",
        AuditAction.Created => "Records created",
        AuditAction.Updated => "Records changed",
        AuditAction.Deleted => "Records deleted or archived",
        AuditAction.Exported => "Exports",
        AuditAction.EhrPushed => "Notes pushed to an EHR",
        AuditAction.PermissionChanged => "Permission changes",
        AuditAction.EmergencyAccess => "Emergency access",
        AuditAction.SettingsChanged => "Setting changes",
        AuditAction.MfaEnrolled => "Two-step sign-in turned on",
        AuditAction.MfaRemoved => "Two-step sign-in removed",
        AuditAction.PasswordChanged => "Password changes",
        AuditAction.PasswordReset => "Password resets",
        AuditAction.InvitationSent => "Invitations sent",
        AuditAction.InvitationAccepted => "Invitations accepted",
        AuditAction.InvitationRevoked => "Invitations revoked",
        AuditAction.AccountLocked => "Accounts locked",
        AuditAction.AdministrationViewed => "Administration viewed",
        AuditAction.AccessRefused => "Pages refused",
        AuditAction.AuditLogViewed => "Audit log viewed",
        AuditAction.AuditChainVerified => "Chain verifications",
        AuditAction.EmergencyAccessReviewed => "Emergency access reviews",
        _ => action.ToString(),
    };

    /// <summary>Working days and hours in words: "Mon-Fri 08:00-18:00" style, days listed.</summary>
    public static string Hours(Plexura.Core.Practices.WorkingHours hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var days = string.Join(", ", hours.Days.Order().Select(d => CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedDayName(d)));
        return $"{days}, {hours.Opens.ToString("HH:mm", CultureInfo.InvariantCulture)}-{hours.Closes.ToString("HH:mm", CultureInfo.InvariantCulture)}";
    }
}
