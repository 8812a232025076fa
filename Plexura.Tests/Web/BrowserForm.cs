using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;

namespace Plexura.Tests.Web;

/// <summary>Posts a server-rendered Blazor form the way a browser does: antiforgery token and form name from the page.</summary>
public static partial class BrowserForm
{
    /// <summary>GETs <paramref name="path"/>, then POSTs <paramref name="fields"/> with the form's hidden fields.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string path, IReadOnlyDictionary<string, string> fields, string? postPath = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var page = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match hidden in HiddenInput().Matches(html))
        {
            form[WebUtility.HtmlDecode(hidden.Groups["name"].Value)] = WebUtility.HtmlDecode(hidden.Groups["value"].Value);
        }

        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }

        using var content = new FormUrlEncodedContent(form);
        return await client.PostAsync(new Uri(postPath ?? path, UriKind.Relative), content);
    }

    /// <summary>The text of the element with <paramref name="id"/>, or null.</summary>
    public static string? TextOf(string html, string id) =>
        new HtmlParser().ParseDocument(html).GetElementById(id)?.TextContent.Trim();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();
}
