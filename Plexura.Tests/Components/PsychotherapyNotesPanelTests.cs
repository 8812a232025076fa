using Bunit;
using Microsoft.AspNetCore.Components;
using Plexura.Core.Access;
using Plexura.Core.Access.GrantClientAccess;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Psychotherapy;
using Plexura.Web.Components.Pages.Clients;

namespace Plexura.Tests.Components;

/// <summary>The client page's "Psychotherapy notes" panel: the member's own notes only, and "New psychotherapy note" opening the new note.</summary>
public sealed class PsychotherapyNotesPanelTests : ClientPagesTestBase
{
    [Fact]
    public async Task Author_SeesOnlyTheirOwnNotes_WithTheExplanationAndReference()
    {
        var (_, _, ownerEmail, clientId, clinicianEmail) = await ClientWithEditingClinicianAsync();
        var ownersNote = await CreateNoteAsync(clientId);
        await SignInAsync(clinicianEmail);
        var mine = await CreateNoteAsync(clientId);

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, clientId.ToString()));

        var link = cut.WaitForElement($"#psychotherapy-note-link-{mine}");
        Assert.Equal($"/notes/{mine}", link.GetAttribute("href"));
        Assert.Single(cut.FindAll("#psychotherapy-notes-list li"));
        Assert.Empty(cut.FindAll($"#psychotherapy-note-link-{ownersNote}"));
        Assert.Equal("Draft", cut.Find("#psychotherapy-notes-list .mud-chip").TextContent.Trim());
        Assert.Contains("visible only to you", cut.Find("#psychotherapy-notes-explained").TextContent, StringComparison.Ordinal);
        Assert.Contains("never drafted by AI", cut.Find("#psychotherapy-notes-explained").TextContent, StringComparison.Ordinal);
        Assert.Contains("§ 164.501", cut.Find("#psychotherapy-notes-reference").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(ownerEmail, cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherMember_EvenTheOwner_SeesAnEmptyList()
    {
        var (_, _, ownerEmail, clientId, clinicianEmail) = await ClientWithEditingClinicianAsync();
        await SignInAsync(clinicianEmail);
        var theirs = await CreateNoteAsync(clientId);
        await SignInAsync(ownerEmail);

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, clientId.ToString()));

        var empty = cut.WaitForElement("#psychotherapy-notes-empty");
        Assert.Contains("You have no psychotherapy notes about this client.", empty.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#psychotherapy-notes-list"));
        Assert.DoesNotContain(theirs.ToString(), cut.Markup, StringComparison.Ordinal);
        Assert.NotNull(cut.Find("#psychotherapy-note-new"));
    }

    [Fact]
    public async Task NewPsychotherapyNote_CreatesOneAndOpensIt()
    {
        await SignInVerifiedOwnerAsync();
        var clientId = await CreateClientAsync(Dana);
        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, clientId.ToString()));

        cut.WaitForElement("#psychotherapy-notes-empty");
        cut.Find("#psychotherapy-note-new").Click();

        cut.WaitForAssertion(() => Assert.Matches("/notes/[0-9a-f-]{36}$", Get<NavigationManager>().Uri));
        var created = Assert.Single(await Get<ListPsychotherapyNotesHandler>().HandleAsync(new ListPsychotherapyNotesCommand(clientId), ClientInfo.Unknown, Ct));
        Assert.EndsWith($"/notes/{created.NoteId}", Get<NavigationManager>().Uri, StringComparison.Ordinal);
        Assert.Equal(NoteStatus.Draft, created.Status);
    }

    [Fact]
    public async Task ClinicianWhoMayOnlyView_DoesNotGetThePanel()
    {
        var (practiceId, _, _) = await SignInVerifiedOwnerAsync(withMfa: true);
        var clientId = await CreateClientAsync(Dana);
        var (membershipId, clinicianEmail) = await AddClinicianAsync(practiceId);
        await Get<GrantClientAccessHandler>().HandleAsync(
            new GrantClientAccessCommand(membershipId, clientId, new ClientPermissions(true, false, false, false)), ClientInfo.Unknown, Ct);
        await SignInAsync(clinicianEmail);

        var cut = Context.Render<ClientDetailsPage>(p => p.Add(c => c.Id, clientId.ToString()));

        cut.WaitForElement("#client-sessions");
        Assert.Empty(cut.FindAll("#psychotherapy-notes"));
    }

    /// <summary>A practice whose owner (signed in, no second factor so that they can sign in again) added a client; a clinician holds View and Edit on it.</summary>
    private async Task<(PracticeId PracticeId, UserId OwnerId, string OwnerEmail, ClientId ClientId, string ClinicianEmail)> ClientWithEditingClinicianAsync()
    {
        var (practiceId, ownerId, ownerEmail) = await SignInVerifiedOwnerAsync();
        var clientId = await CreateClientAsync(Dana);
        var (membershipId, clinicianEmail) = await AddClinicianAsync(practiceId);
        await Get<IClientGrantRepository>().AddAsync(
            practiceId, new ClientGrant(ClientGrantId.New(), practiceId, membershipId, clientId, true, true, false, false, ownerId, Time.GetUtcNow()), Ct);
        return (practiceId, ownerId, ownerEmail, clientId, clinicianEmail);
    }

    private Task<NoteId> CreateNoteAsync(ClientId clientId) =>
        Get<CreatePsychotherapyNoteHandler>().HandleAsync(new CreatePsychotherapyNoteCommand(clientId), ClientInfo.Unknown, Ct);
}
