using System.Globalization;
using Plexura.Core.Clients;
using Plexura.Core.Clients.GetClient;

namespace Plexura.Web.Components.Pages.Clients;

/// <summary>What the client form holds while it is being edited. PHI: never log it.</summary>
/// <remarks>
/// The date of birth is kept as the <c>yyyy-MM-dd</c> text of a native date input: typing a birth date is quicker
/// than paging a calendar back decades, and the same text is what browser tests type.
/// </remarks>
public sealed class ClientFormModel
{
    /// <summary>The format of <see cref="DateOfBirth"/>.</summary>
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>The full name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The date of birth as <see cref="DateFormat"/> text.</summary>
    public string DateOfBirth { get; set; } = string.Empty;

    /// <summary>Optional pronouns.</summary>
    public string Pronouns { get; set; } = string.Empty;

    /// <summary>Optional record number in the practice's EHR.</summary>
    public string ExternalRecordNumber { get; set; } = string.Empty;

    /// <summary>The § 164.522 restriction.</summary>
    public bool IsRestricted { get; set; }

    /// <summary>The 42 CFR Part 2 flag.</summary>
    public bool IsPart2 { get; set; }

    /// <summary>A form filled from <paramref name="view"/>, for editing.</summary>
    public static ClientFormModel From(ClientView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new ClientFormModel
        {
            Name = view.Details.Name,
            DateOfBirth = view.Details.DateOfBirth.ToString(DateFormat, CultureInfo.InvariantCulture),
            Pronouns = view.Details.Pronouns ?? string.Empty,
            ExternalRecordNumber = view.Details.ExternalRecordNumber ?? string.Empty,
            IsRestricted = view.IsRestricted,
            IsPart2 = view.IsPart2,
        };
    }

    /// <summary>The details to send to the Core (which validates them), or null when the date of birth cannot be read.</summary>
    public ClientDetails? ToDetails() =>
        DateOnly.TryParseExact(DateOfBirth?.Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dateOfBirth)
            ? new ClientDetails(Name, dateOfBirth, Pronouns, ExternalRecordNumber)
            : null;

    /// <inheritdoc />
    public override string ToString() => $"{nameof(ClientFormModel)} {{ PHI hidden }}";
}

/// <summary>Which field a Core validation message is about, so the page can show it under that field.</summary>
public enum ClientField
{
    /// <summary>Not tied to one field.</summary>
    None,

    /// <summary>The name.</summary>
    Name,

    /// <summary>The date of birth.</summary>
    DateOfBirth,

    /// <summary>The pronouns.</summary>
    Pronouns,

    /// <summary>The external record number.</summary>
    ExternalRecordNumber,
}

/// <summary>A validation message from <see cref="ClientValidation"/> with the field it names.</summary>
/// <param name="Field">The field.</param>
/// <param name="Message">The message (names the rule, never the value).</param>
public sealed record ClientFormError(ClientField Field, string Message)
{
    /// <summary>Shown when the date of birth is empty or not a date.</summary>
    public const string DateOfBirthMissingMessage = "Enter the date of birth.";

    /// <summary>The error for <paramref name="message"/>, placed on the field its text names.</summary>
    public static ClientFormError For(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var field = message switch
        {
            _ when message.Contains("name", StringComparison.OrdinalIgnoreCase) => ClientField.Name,
            _ when message.Contains("date of birth", StringComparison.OrdinalIgnoreCase) => ClientField.DateOfBirth,
            _ when message.Contains("pronouns", StringComparison.OrdinalIgnoreCase) => ClientField.Pronouns,
            _ when message.Contains("record number", StringComparison.OrdinalIgnoreCase) => ClientField.ExternalRecordNumber,
            _ => ClientField.None,
        };
        return new ClientFormError(field, message);
    }
}
