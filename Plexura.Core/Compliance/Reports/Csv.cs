using System.Globalization;

namespace Plexura.Core.Compliance.Reports;

/// <summary>RFC 4180 CSV fields for the compliance reports, safe to open in a spreadsheet.</summary>
public static class Csv
{
    /// <summary>The fields quoted where needed and joined with commas (no line end).</summary>
    public static string Line(params string?[] fields) => string.Join(',', fields.Select(Field));

    /// <summary>An instant as ISO 8601 UTC with milliseconds.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// One field: quoted when it holds a comma, quote or line break; a leading <c>= + - @</c> (or tab, carriage return)
    /// gets an apostrophe first, so a spreadsheet never runs a value from the log as a formula.
    /// </summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
