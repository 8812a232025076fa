using System.Globalization;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Notes.Templates;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;

namespace Plexura.Core.Practices.ChangeSettings;

/// <summary>Rename the practice.</summary>
/// <param name="Name">The new name (trimmed; 1 to <see cref="Practice.MaxNameLength"/> characters).</param>
public sealed record SetPracticeNameCommand(string? Name);

/// <summary>Set the practice's working hours, or clear them.</summary>
/// <param name="Hours">The hours, or null for "no working hours" (then no access counts as outside them).</param>
public sealed record SetWorkingHoursCommand(WorkingHours? Hours);

/// <summary>Set the practice-wide default note template.</summary>
/// <param name="TemplateKey">A built-in or active practice template key, or null for the built-in Progress note.</param>
public sealed record SetPracticeDefaultTemplateCommand(string? TemplateKey);

/// <summary>Designate the members who may declare break-glass emergency access.</summary>
/// <param name="Members">The designated members' user ids (clinicians of the practice); empty for none.</param>
public sealed record SetEmergencyAccessMembersCommand(IReadOnlyList<UserId> Members);

/// <summary>Set how long one emergency access lasts.</summary>
/// <param name="Minutes">The window in minutes (<see cref="Practice.MinEmergencyAccessMinutes"/>..<see cref="Practice.MaxEmergencyAccessMinutes"/>).</param>
public sealed record SetEmergencyAccessMinutesCommand(int Minutes);

/// <summary>Let admins change the practice settings too, or stop them.</summary>
/// <param name="Allowed">Whether admins may manage the settings page (never billing, never this choice).</param>
public sealed record SetAdminsManageSettingsCommand(bool Allowed);

/// <summary>Read the practice settings page.</summary>
public sealed record GetPracticeSettingsQuery;

/// <summary>A member who may be designated for emergency access.</summary>
/// <param name="UserId">The member's account.</param>
/// <param name="DisplayName">Their display name.</param>
/// <param name="Email">Their email.</param>
/// <param name="Designated">Whether they are designated now.</param>
public sealed record EmergencyCandidate(UserId UserId, string DisplayName, string Email, bool Designated);

/// <summary>The practice settings as the settings page shows them.</summary>
/// <param name="Name">The practice's name.</param>
/// <param name="TimeZoneId">The practice's time zone.</param>
/// <param name="RequireMfaForAllMembers">Whether every member needs a second factor.</param>
/// <param name="AudioRetention">How long session audio is kept.</param>
/// <param name="WorkingHours">The working hours, or null.</param>
/// <param name="DefaultTemplateKey">The practice's default note template, or null for Progress.</param>
/// <param name="EmergencyAccessMinutes">The emergency access window.</param>
/// <param name="EmergencyCandidates">The practice's clinicians, with whether each is designated.</param>
/// <param name="AdminsManageSettings">Whether admins may change these settings.</param>
/// <param name="CanChangeDelegation">Whether the reader may change <paramref name="AdminsManageSettings"/> (owners only).</param>
public sealed record PracticeSettingsView(
    string Name,
    string TimeZoneId,
    bool RequireMfaForAllMembers,
    AudioRetention AudioRetention,
    WorkingHours? WorkingHours,
    string? DefaultTemplateKey,
    int EmergencyAccessMinutes,
    IReadOnlyList<EmergencyCandidate> EmergencyCandidates,
    bool AdminsManageSettings,
    bool CanChangeDelegation);

/// <summary>Codes and rules shared by the practice settings use cases.</summary>
public static class PracticeSettingRules
{
    /// <summary>Shown for an empty practice name.</summary>
    public const string NameMissingMessage = "Enter the practice's name.";

    /// <summary>Shown for working hours without a day, with a day twice, or closing before opening.</summary>
    public const string HoursInvalidMessage = "Choose at least one working day and a closing time after the opening time.";

    /// <summary>Shown for an emergency window outside the allowed range.</summary>
    public static readonly string MinutesOutOfRangeMessage = string.Create(
        CultureInfo.InvariantCulture,
        $"Emergency access lasts between {Practice.MinEmergencyAccessMinutes} and {Practice.MaxEmergencyAccessMinutes} minutes.");

    /// <summary>Shown when a designated member is not a clinician of the practice.</summary>
    public const string NotAClinicianMessage =
        "Emergency access is for the practice's clinicians: owners and admins already see every client, compliance staff see no clinical records.";

    /// <summary>The most members that may be designated.</summary>
    public const int MaxDesignated = 500;

    /// <summary>The audit code of working hours: "mon,tue@08:00-18:00", or "none".</summary>
    public static string HoursCode(WorkingHours? hours) =>
        hours is null
            ? "none"
            : string.Join(',', hours.Days.Order().Select(d => d.ToString()[..3].ToLowerInvariant()))
                + "@" + hours.Opens.ToString("HH:mm", CultureInfo.InvariantCulture) + "-" + hours.Closes.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The audit code of a set of designated members: their ids in order, or "none".</summary>
    public static string MembersCode(IReadOnlyList<UserId>? members) =>
        members is not { Count: > 0 } ? "none" : string.Join(',', members.Select(m => m.ToString()).Order(StringComparer.Ordinal));
}

/// <summary>Renames the practice (<see cref="PracticePolicy.CanChangePracticeSettingsPage"/>); audited with the old and new name (not PHI).</summary>
public sealed class SetPracticeNameHandler(PracticeAccessGate gate, IPracticeRepository practices, IAuditLog audit)
{
    /// <summary>Sets the name; throws <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task HandleAsync(SetPracticeNameCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanChangePracticeSettingsPage, AuditAction.SettingsChanged, "practice", client, ct);
        var name = PersonText.Required(command.Name, "The practice's name", Practice.MaxNameLength, PracticeSettingRules.NameMissingMessage);
        await PracticeSettingWriter.ChangeAsync(practices, audit, actor, client, "name", p => p.Name, name, p => p with { Name = name }, ct);
    }
}

/// <summary>Sets or clears the working hours (<see cref="PracticePolicy.CanChangePracticeSettingsPage"/>), audited as codes.</summary>
public sealed class SetWorkingHoursHandler(PracticeAccessGate gate, IPracticeRepository practices, IAuditLog audit)
{
    /// <summary>Sets the hours; throws <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task HandleAsync(SetWorkingHoursCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanChangePracticeSettingsPage, AuditAction.SettingsChanged, "practice", client, ct);
        var hours = command.Hours;
        if (hours is not null && !hours.IsValid)
        {
            throw new ValidationFailedException(PracticeSettingRules.HoursInvalidMessage);
        }

        var normalized = hours is null ? null : hours with { Days = [.. hours.Days.Order()] };
        await PracticeSettingWriter.ChangeAsync(
            practices, audit, actor, client, "working-hours", p => PracticeSettingRules.HoursCode(p.WorkingHours), PracticeSettingRules.HoursCode(normalized),
            p => p with { WorkingHours = normalized }, ct);
    }
}

/// <summary>Sets the practice-wide default note template (<see cref="PracticePolicy.CanChangePracticeSettingsPage"/>).</summary>
/// <remarks>
/// A built-in or an active practice template; an archived one is refused, an unknown or another practice's key is
/// "not found" (audited Denied). Null (or "progress") goes back to the built-in Progress note. Used by
/// <see cref="StoredTemplateCatalog"/> after a session's own choice and the clinician's default.
/// </remarks>
public sealed class SetPracticeDefaultTemplateHandler(PracticeAccessGate gate, IPracticeRepository practices, INoteTemplateRepository templates, IAuditLog audit)
{
    /// <summary>Sets the default; throws <see cref="AccessDeniedException"/>, <see cref="RecordNotFoundException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task HandleAsync(SetPracticeDefaultTemplateCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanChangePracticeSettingsPage, AuditAction.SettingsChanged, "practice", client, ct);
        string? key = null;
        if (!string.IsNullOrWhiteSpace(command.TemplateKey))
        {
            var template = await TemplateLookup.RequireActiveAsync(gate, templates, actor, command.TemplateKey.Trim(), AuditAction.SettingsChanged, client, ct);
            key = template.Key == BuiltInTemplates.Progress.Key ? null : template.Key;
        }

        await PracticeSettingWriter.ChangeAsync(
            practices, audit, actor, client, "default-template", p => p.DefaultTemplateKey ?? "progress", key ?? "progress", p => p with { DefaultTemplateKey = key }, ct);
    }
}

/// <summary>Designates the members who may declare emergency access (<see cref="PracticePolicy.CanChangePracticeSettingsPage"/>).</summary>
/// <remarks>
/// Each must be a current clinician of the practice: owners and admins already reach every client, and compliance
/// staff never reach clinical content, so designating them would be meaningless or a way round that rule. An id that
/// is not a member of this practice is refused like any other bad choice. Audited with the ids only.
/// </remarks>
public sealed class SetEmergencyAccessMembersHandler(
    PracticeAccessGate gate, IPracticeRepository practices, IMembershipRepository memberships, IAuditLog audit)
{
    /// <summary>Shown when a chosen id is not a member of the practice.</summary>
    public const string NotAMemberMessage = "Choose members of this practice.";

    /// <summary>Sets the designation; throws <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task HandleAsync(SetEmergencyAccessMembersCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanChangePracticeSettingsPage, AuditAction.SettingsChanged, "practice", client, ct);
        var chosen = (command.Members ?? []).Distinct().ToList();
        if (chosen.Count > PracticeSettingRules.MaxDesignated)
        {
            throw new ValidationFailedException(NotAMemberMessage);
        }

        var members = (await memberships.ListAsync(actor.PracticeId, ct)).ToDictionary(m => m.UserId);
        foreach (var userId in chosen)
        {
            if (!members.TryGetValue(userId, out var member))
            {
                throw new ValidationFailedException(NotAMemberMessage);
            }

            if (member.Role != PracticeRole.Clinician)
            {
                throw new ValidationFailedException(PracticeSettingRules.NotAClinicianMessage);
            }
        }

        IReadOnlyList<UserId> ordered = [.. chosen.OrderBy(u => u.ToString(), StringComparer.Ordinal)];
        await PracticeSettingWriter.ChangeAsync(
            practices, audit, actor, client, "emergency-members", p => PracticeSettingRules.MembersCode(p.EmergencyAccessMembers),
            PracticeSettingRules.MembersCode(ordered), p => p with { EmergencyAccessMembers = ordered }, ct);
    }
}

/// <summary>Sets the emergency access window (<see cref="PracticePolicy.CanChangePracticeSettingsPage"/>); 5..480 minutes.</summary>
public sealed class SetEmergencyAccessMinutesHandler(PracticeAccessGate gate, IPracticeRepository practices, IAuditLog audit)
{
    /// <summary>Sets the window; throws <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task HandleAsync(SetEmergencyAccessMinutesCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanChangePracticeSettingsPage, AuditAction.SettingsChanged, "practice", client, ct);
        if (command.Minutes is < Practice.MinEmergencyAccessMinutes or > Practice.MaxEmergencyAccessMinutes)
        {
            throw new ValidationFailedException(PracticeSettingRules.MinutesOutOfRangeMessage);
        }

        var minutes = command.Minutes;
        await PracticeSettingWriter.ChangeAsync(
            practices, audit, actor, client, "emergency-minutes", p => p.EmergencyAccessMinutes.ToString(CultureInfo.InvariantCulture),
            minutes.ToString(CultureInfo.InvariantCulture), p => p with { EmergencyAccessMinutes = minutes }, ct);
    }
}

/// <summary>Lets admins manage the practice settings, or stops them (<see cref="PracticePolicy.CanChangeSettingsDelegation"/>: owners only).</summary>
public sealed class SetAdminsManageSettingsHandler(PracticeAccessGate gate, IPracticeRepository practices, IAuditLog audit)
{
    /// <summary>Sets the delegation; throws <see cref="AccessDeniedException"/>.</summary>
    public async Task HandleAsync(SetAdminsManageSettingsCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanChangeSettingsDelegation, AuditAction.SettingsChanged, "practice", client, ct);
        var allowed = command.Allowed;
        await PracticeSettingWriter.ChangeAsync(
            practices, audit, actor, client, "admins-manage-settings", p => p.AdminsManageSettings ? "on" : "off", allowed ? "on" : "off",
            p => p with { AdminsManageSettings = allowed }, ct);
    }
}

/// <summary>Reads the practice settings for the settings page (<see cref="PracticePolicy.CanChangePracticeSettingsPage"/>); no PHI.</summary>
/// <remarks>A refusal is audited as <see cref="AuditAction.AdministrationViewed"/> by the gate; an allowed read is not (nothing here is PHI).</remarks>
public sealed class GetPracticeSettingsHandler(
    PracticeAccessGate gate, IPracticeRepository practices, IMembershipRepository memberships, IUserRepository users)
{
    /// <summary>The settings; throws <see cref="AccessDeniedException"/>.</summary>
    public async Task<PracticeSettingsView> HandleAsync(GetPracticeSettingsQuery query, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanChangePracticeSettingsPage, AuditAction.AdministrationViewed, "practice-settings", client, ct);
        var practice = await practices.GetAsync(actor.PracticeId, ct) ?? throw new RecordNotFoundException("practice");
        var candidates = new List<EmergencyCandidate>();
        foreach (var member in (await memberships.ListAsync(actor.PracticeId, ct)).Where(m => m.Role == PracticeRole.Clinician))
        {
            if (await users.GetAsync(member.UserId, ct) is { } user)
            {
                candidates.Add(new EmergencyCandidate(user.Id, user.DisplayName, user.Email, practice.IsEmergencyAccessMember(user.Id)));
            }
        }

        return new PracticeSettingsView(
            practice.Name,
            practice.TimeZoneId,
            practice.RequireMfaForAllMembers,
            practice.AudioRetention,
            practice.WorkingHours,
            practice.DefaultTemplateKey,
            practice.EmergencyAccessMinutes,
            [.. candidates.OrderBy(c => c.DisplayName, StringComparer.CurrentCultureIgnoreCase)],
            practice.AdminsManageSettings,
            PracticePolicy.CanChangeSettingsDelegation(actor).IsAllowed);
    }
}
