using Microsoft.Playwright;

namespace Plexura.Tests.Browser;

/// <summary>Page object for the client list, a client's page and its "who can see this client" panel.</summary>
public sealed class ClientPages(IPage page, Uri baseAddress)
{
    public IPage Page => page;

    /// <summary>The client rows the member is shown on the list page.</summary>
    public ILocator ClientLinks => page.Locator("#client-list a.client-link");

    /// <summary>Opens <paramref name="path"/> and runs the page gate on it.</summary>
    public async Task GotoAsync(string path)
    {
        await page.GotoAsync(new Uri(baseAddress, path).ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
        await PageGate.CheckAsync(page);
    }

    /// <summary>
    /// Presses Start session on the client's page; waits for the recorder, ready to start, runs the page gate on it and
    /// returns the new session's id from its address.
    /// </summary>
    public async Task<Plexura.Core.Common.ClinicalSessionId> StartSessionAsync(string clientId)
    {
        await OpenAsync(clientId);
        await page.ClickAsync("#client-start-session");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex(@"/sessions/[^/]+/record$"));
        var sessionId = Plexura.Core.Common.ClinicalSessionId.Parse(new Uri(page.Url).AbsolutePath.Split('/')[2], null);
        await Assertions.Expect(page.Locator("#recorder-start")).ToBeEnabledAsync();
        await PageGate.CheckAsync(page);
        return sessionId;
    }

    /// <summary>Adds a client from the list page; returns its id from the client page the app lands on.</summary>
    public async Task<string> AddClientAsync(string name, DateOnly dateOfBirth)
    {
        await GotoAsync("/clients");
        await page.ClickAsync("#new-client");
        await Assertions.Expect(page.Locator("#new-client-form")).ToBeVisibleAsync();
        await PageGate.CheckAsync(page);
        return await FillNewClientAsync(name, dateOfBirth);
    }

    /// <summary>Fills and saves the open new-client form; waits for the new client's page, at its consent panel.</summary>
    public async Task<string> FillNewClientAsync(string name, DateOnly dateOfBirth)
    {
        await page.Locator("#client-name").FillAsync(name);
        await page.Locator("#client-dob").FillAsync(dateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#client-save");
        await WaitForSavedAsync();
        await Assertions.Expect(page.Locator("#client-detail-name")).ToContainTextAsync(name);
        await PageGate.CheckAsync(page);
        var path = new Uri(page.Url).AbsolutePath;
        return path[(path.LastIndexOf('/') + 1)..];
    }

    /// <summary>Waits for the new client's page after Save; a form that refused the values fails at once with its message.</summary>
    private async Task WaitForSavedAsync()
    {
        var landed = page.WaitForURLAsync(new System.Text.RegularExpressions.Regex(@"/clients/[^/?]+\?at=consent$"));
        var refused = page.Locator("#client-form-error").WaitForAsync();
        if (await Task.WhenAny(landed, refused) == refused && refused.IsCompletedSuccessfully && !landed.IsCompleted)
        {
            var message = await page.Locator("#client-form-error").TextContentAsync(new() { Timeout = 5_000 });
            throw new Xunit.Sdk.XunitException($"The new-client form refused the values: {message}");
        }

        // The error never shows on success: its wait ends in a timeout nobody needs to see.
        _ = refused.ContinueWith(t => t.Exception, TaskScheduler.Default);
        await landed;
    }

    /// <summary>On an open client page, records a verbal consent of the chosen kind.</summary>
    public async Task RecordConsentAsync(string kindRadioId)
    {
        await page.Locator($"#{kindRadioId}").ClickAsync();
        await page.ClickAsync("#consent-record");
        await Assertions.Expect(page.Locator("#consent-list")).ToBeVisibleAsync();
    }

    /// <summary>Opens the client's page by its id, as a link or a typed URL would.</summary>
    public Task OpenAsync(string clientId) => GotoAsync($"/clients/{clientId}");

    /// <summary>On an open client page, grants the clinician shown as <paramref name="clinicianName"/> view access only.</summary>
    public async Task GrantViewOnlyAsync(string clinicianName)
    {
        await Assertions.Expect(page.Locator("#grant-form")).ToBeVisibleAsync();
        await page.Locator("#grant-member").SelectOptionAsync(new SelectOptionValue { Label = clinicianName });
        await page.Locator("#grant-view").CheckAsync();
        await page.ClickAsync("#grant-submit");
    }
}
