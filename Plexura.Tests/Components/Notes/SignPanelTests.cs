using Bunit;
using Plexura.Web.Components.Notes;

namespace Plexura.Tests.Components.Notes;

/// <summary>The sign panel: blockers in words, attestation before Sign, the signature with its fingerprint and Verify, addenda.</summary>
public sealed class SignPanelTests : NoteComponentTestBase
{
    private const string Hash = "3f2a9c0b7d1e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c";

    [Fact]
    public void Blockers_AreListedInWords_AndKeepSignDisabled()
    {
        var signs = 0;
        var cut = Context.Render<SignPanel>(p => p
            .Add(c => c.Blockers, new SignBlockers(2, 1, ["Plan"]))
            .Add(c => c.OnSign, () => signs++));

        Assert.Equal("2 flagged statements need your review (accept, edit or delete).", cut.Find("#sign-blocker-flagged").TextContent);
        Assert.Equal("1 risk disclosure needs confirming or correcting.", cut.Find("#sign-blocker-risks").TextContent);
        Assert.Equal("The required section “Plan” is empty.", cut.Find(".sign-blocker-section").TextContent);
        Field(cut, "#sign-attest-draft").Change(true);
        Field(cut, "#sign-attest-flags").Change(true);

        Assert.True(cut.Find("#sign-button").HasAttribute("disabled"));
        Assert.Equal(0, signs);
    }

    [Fact]
    public void NothingBlocks_SignEnablesOnlyAfterBothAttestations()
    {
        var signs = 0;
        var cut = Context.Render<SignPanel>(p => p.Add(c => c.Blockers, SignBlockers.None).Add(c => c.OnSign, () => signs++));

        Assert.Equal("Nothing blocks signing.", cut.Find("#sign-ready").TextContent);
        Assert.True(cut.Find("#sign-button").HasAttribute("disabled"));
        Field(cut, "#sign-attest-draft").Change(true);
        Assert.True(cut.Find("#sign-button").HasAttribute("disabled"));
        Field(cut, "#sign-attest-flags").Change(true);
        Assert.False(cut.Find("#sign-button").HasAttribute("disabled"));

        cut.Find("#sign-button").Click();

        Assert.Equal(1, signs);
    }

    [Fact]
    public void WithoutEditPermission_SaysWhoMaySign_AndOffersNoSign()
    {
        var cut = Context.Render<SignPanel>(p => p.Add(c => c.CanSign, false));

        Assert.Contains("may edit this client", cut.Find("#sign-not-allowed").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#sign-button"));
    }

    [Fact]
    public void Signed_ShowsSignerTimeAndFingerprint_CopyAndVerify()
    {
        var module = Context.JSInterop.SetupModule("./js/text-export.js");
        module.Setup<bool>("copyText", _ => true).SetResult(true);
        var verifies = 0;
        var cut = Context.Render<SignPanel>(p => p
            .Add(c => c.Signature, new NoteSignatureView("Dana Reyes", new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero), Hash, null))
            .Add(c => c.OnVerify, () => verifies++));

        cut.WaitForAssertion(() => Assert.Equal("Signed by Dana Reyes, Mon 23 Nov, 10:05.", cut.Find("#sign-signed-by").TextContent));
        Assert.Equal("3f2a9c0b7d1e…", cut.Find("#sign-hash").TextContent);
        Assert.Equal(Hash, cut.Find("#sign-hash-full").TextContent);
        Assert.Empty(cut.FindAll("#sign-button"));
        cut.Find("#sign-hash-copy").Click();
        cut.WaitForAssertion(() => Assert.Equal("Fingerprint copied.", cut.Find("#sign-hash-copied").TextContent));
        Assert.Equal(Hash, Assert.Single(module.Invocations["copyText"]).Arguments[0]);
        cut.Find("#sign-verify").Click();
        Assert.Equal(1, verifies);

        cut.Render(p => p.Add(c => c.Signature, new NoteSignatureView("Dana Reyes", new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero), Hash, true)));
        Assert.Contains("unchanged since it was signed", cut.Find("#sign-verified").TextContent, StringComparison.Ordinal);
        cut.Render(p => p.Add(c => c.Signature, new NoteSignatureView("Dana Reyes", new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero), Hash, false)));
        Assert.Contains("no longer matches", cut.Find("#sign-verify-failed").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Addendum_NeedsReasonAndText_IsRaised_AndTheFormClearsOnceStored()
    {
        var requests = new List<AddendumRequest>();
        var signature = new NoteSignatureView("Dana Reyes", new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero), Hash, null);
        var cut = Context.Render<SignPanel>(p => p.Add(c => c.Signature, signature).Add(c => c.OnAddendum, r => requests.Add(r)));
        Assert.Equal("No addenda.", cut.Find("#addenda-empty").TextContent);

        Field(cut, "#addendum-reason").Input("Late entry");
        Assert.True(cut.Find("#addendum-add").HasAttribute("disabled"));
        Field(cut, "#addendum-text").Input("Client called after the session to add that she slept better.");
        cut.Find("#addendum-add").Click();

        Assert.Equal(new AddendumRequest("Late entry", "Client called after the session to add that she slept better."), Assert.Single(requests));
        cut.Render(p => p.Add(c => c.Addenda, [new AddendumView(5, "Dana Reyes", new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero), "Late entry", "Client called after the session to add that she slept better.", Hash)]));
        cut.WaitForAssertion(() => Assert.Contains("Reason: Late entry", cut.Find("#addendum-5").TextContent, StringComparison.Ordinal));
        Assert.Equal(string.Empty, Field(cut, "#addendum-reason").GetAttribute("value") ?? string.Empty);
        Assert.True(cut.Find("#addendum-add").HasAttribute("disabled"));
    }
}
