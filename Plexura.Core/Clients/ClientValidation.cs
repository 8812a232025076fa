using Plexura.Core.Common;

namespace Plexura.Core.Clients;

/// <summary>The rules for a client's details, and their normalized form.</summary>
/// <remarks>
/// Messages name the field and the rule, never the value: they are shown, and may be logged. Names and pronouns follow
/// <see cref="PersonText"/>: a name with a right-to-left override or a zero-width space could pose as another client's.
/// </remarks>
public static class ClientValidation
{
    /// <summary>The longest name accepted, in characters after trimming.</summary>
    public const int NameMaxLength = 200;

    /// <summary>The longest pronouns accepted.</summary>
    public const int PronounsMaxLength = 40;

    /// <summary>The longest external record number accepted.</summary>
    public const int ExternalRecordNumberMaxLength = 64;

    /// <summary>The earliest date of birth accepted.</summary>
    public static readonly DateOnly EarliestDateOfBirth = new(1900, 1, 1);

    /// <summary>The details trimmed (empty optional fields become null), or <see cref="ValidationFailedException"/>.</summary>
    /// <param name="details">What was entered.</param>
    /// <param name="today">Today in the practice's calendar; a date of birth after it is refused.</param>
    public static ClientDetails Validate(ClientDetails details, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(details);
        var name = PersonText.Required(details.Name, "The client's name", NameMaxLength, "Enter the client's name.");
        if (details.DateOfBirth > today)
        {
            throw new ValidationFailedException("The date of birth cannot be in the future.");
        }

        if (details.DateOfBirth < EarliestDateOfBirth)
        {
            throw new ValidationFailedException("The date of birth cannot be before 1900.");
        }

        var pronouns = PersonText.Optional(details.Pronouns, "Pronouns", PronounsMaxLength);

        var number = Optional(details.ExternalRecordNumber);
        if (number is not null && (number.Length > ExternalRecordNumberMaxLength || !number.All(IsRecordNumberChar)))
        {
            throw new ValidationFailedException(
                $"The external record number can be at most {ExternalRecordNumberMaxLength} characters of letters, digits and - _ . /");
        }

        return new ClientDetails(name, details.DateOfBirth, pronouns, number);
    }

    private static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsRecordNumberChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/';
}
