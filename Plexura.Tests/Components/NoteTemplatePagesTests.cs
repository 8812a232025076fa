using Bunit;
using MudBlazor;
using MudBlazor.Extensions;
using Plexura.Core.Consent;
using Plexura.Core.Consent.RecordConsent;
using Plexura.Core.Identity;
using Plexura.Core.Notes.Templates;
using Plexura.Core.Notes.Templates.CreateTemplate;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.StartRecording;
using Plexura.Web.Components.Pages.Account;
using Plexura.Web.Components.Pages.Practice.Templates;
using Plexura.Web.Components.Pages.Sessions;

namespace Plexura.Tests.Components;

/// <summary>The note templates page and its editor, the default-template picker and the session page's template picker.</summary>
public sealed class NoteTemplatePagesTests : ClientPagesTestBase
{
    [Fact]
    public async Task Editor_OwnerWritesSectionsReordersAndSaves_TemplateIsStoredInThatOrder()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var cut = Context.Render<NoteTemplates>();
        cut.WaitForElement("#template-new").Click();

        Input(cut, "#template-name").Input("Couples follow-up");
        Input(cut, "#template-section-0-title").Input("Check-in");
        Input(cut, "#template-section-0-guidance").Input("How each partner arrived.");
        cut.Find("#template-add-section").Click();
        Input(cut, "#template-section-1-title").Input("Shared goals");
        cut.Find("#template-section-1-up").Click();
        Assert.Equal("2 of at most 30 sections", cut.Find("#template-section-count").TextContent);
        cut.Find("#template-save").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#template-editor")));
        var stored = Assert.Single(await Get<INoteTemplateRepository>().ListAsync(practiceId, Ct));
        Assert.Equal("Couples follow-up", stored.Name);
        Assert.Equal(["shared-goals", "check-in"], stored.Sections.Select(s => s.Key));
        Assert.Equal("How each partner arrived.", stored.Sections[1].Guidance);
        Assert.Contains("Couples follow-up", cut.Find($"#template-{stored.Key}").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#templates-none"));
    }

    [Fact]
    public async Task Editor_AtThirtySections_CannotAddMore_AndCoreRefusalIsShownWithNothingStored()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var cut = Context.Render<NoteTemplates>();
        cut.WaitForElement("#template-new").Click();
        Input(cut, "#template-name").Input("Long");
        for (var i = 1; i < TemplateRules.MaxSections; i++)
        {
            cut.Find("#template-add-section").Click();
        }

        Assert.True(cut.Find("#template-add-section").HasAttribute("disabled"));
        Assert.Equal("30 of at most 30 sections", cut.Find("#template-section-count").TextContent);
        cut.Find("#template-save").Click();

        cut.WaitForAssertion(() => Assert.Equal(TemplateRules.SectionTitleMissingMessage, cut.Find("#template-error").TextContent.Trim()));
        Assert.Empty(await Get<INoteTemplateRepository>().ListAsync(practiceId, Ct));
    }

    [Fact]
    public async Task Page_CopyBuiltInThenArchive_AsksFirstAndMovesItToArchived()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var cut = Context.Render<NoteTemplates>();
        cut.WaitForElement("#template-soap-copy").Click();
        Assert.Equal("SOAP (copy)", Input(cut, "#template-name").GetAttribute("value"));
        cut.Find("#template-save").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#template-editor")));
        var copy = Assert.Single(await Get<INoteTemplateRepository>().ListAsync(practiceId, Ct));
        Assert.Equal(BuiltInTemplates.Soap.Sections.Select(s => s.Key), copy.Sections.Select(s => s.Key));

        cut.Find($"#template-{copy.Key}-archive").Click();
        Assert.Contains("cannot be undone", cut.Find($"#template-{copy.Key}-archive-confirm").TextContent, StringComparison.Ordinal);
        cut.Find($"#template-{copy.Key}-archive-yes").Click();

        cut.WaitForAssertion(() => Assert.Contains("Archived", cut.Find($"#template-{copy.Key}").TextContent, StringComparison.Ordinal));
        Assert.True((await Get<INoteTemplateRepository>().GetAsync(practiceId, copy.Id, Ct))!.IsArchived);
        Assert.Empty(cut.FindAll($"#template-{copy.Key}-edit"));
        Assert.Empty(cut.FindAll("#template-soap-edit"));
    }

    [Fact]
    public async Task Page_OwnerWithoutSecondFactor_IsToldWhyAndSeesNoEditor()
    {
        await SignInVerifiedOwnerAsync(withMfa: false);

        var cut = Context.Render<NoteTemplates>();

        cut.WaitForAssertion(() => Assert.Contains("two-step sign-in", cut.Find("#templates-denied").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("#template-new"));
    }

    [Fact]
    public async Task DefaultPicker_ChoosingATemplate_StoresItAsTheMembersDefault()
    {
        var (practiceId, userId, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var cut = Context.Render<DefaultTemplatePicker>();
        cut.WaitForElement("#default-template-select");
        var select = cut.FindComponent<MudSelect<string>>();
        Assert.Equal("progress", select.Instance.GetState(x => x.Value));
        Assert.Equal("Default note template", select.Instance.Label);

        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("girp"));

        Assert.Equal("girp", (await Get<INotePreferenceRepository>().GetAsync(practiceId, userId, Ct))!.DefaultTemplateKey);
        Assert.Empty(cut.FindAll("#default-template-error"));
    }

    [Fact]
    public async Task SessionPicker_OnTheSessionPage_ChoosesThePracticeTemplateForTheSession()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var template = await Get<CreateTemplateHandler>().HandleAsync(
            new CreateTemplateCommand("Brief", [new(null, "Check-in", "", true)]), ClientInfo.Unknown, Ct);
        var clientId = await CreateClientAsync(Dana);
        foreach (var kind in new[] { ConsentKind.Recording, ConsentKind.AiProcessing })
        {
            await Get<RecordConsentHandler>().HandleAsync(
                new RecordConsentCommand(clientId, new ConsentDetails(kind, ConsentMethod.Verbal, Time.GetUtcNow())), ClientInfo.Unknown, Ct);
        }

        var sessionId = await Get<StartRecordingHandler>().HandleAsync(new StartRecordingCommand(clientId), ClientInfo.Unknown, Ct);
        var cut = Context.Render<SessionPage>(p => p.Add(c => c.Id, sessionId.ToString()).Add(c => c.PollInterval, TimeSpan.Zero));
        cut.WaitForElement("#session-template");
        var select = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Note template");
        Assert.Equal(string.Empty, select.Instance.GetState(x => x.Value));

        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(template.Key));

        Assert.Equal(template.Key, (await Get<IClinicalSessionRepository>().GetAsync(practiceId, sessionId, Ct))!.TemplateKey);
        cut.WaitForAssertion(() => Assert.Equal(template.Key, select.Instance.GetState(x => x.Value)));
        Assert.Empty(cut.FindAll("#session-template-error"));
    }
}
