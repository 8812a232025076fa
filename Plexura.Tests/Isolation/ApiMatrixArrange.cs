using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Auditing;
using Plexura.Core.Billing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Identity.BeginMfaEnrollment;
using Plexura.Core.Identity.ConfirmMfaEnrollment;
using Plexura.Core.Invitations.AcceptInvitation;
using Plexura.Core.Invitations.InviteMember;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.ChangeSettings;
using Plexura.Core.Sessions.Audio;
using Plexura.Core.Transcription;
using Plexura.Tests.Fakes;
using Plexura.Tests.Web;

namespace Plexura.Tests.Isolation;

/// <summary>One practice of the API matrix: the arranged practice, plus a client with consents, a clinician granted view on it, and a session the owner records with it.</summary>
/// <param name="Practice">The practice with a signed-in member of every role and the owner's client.</param>
/// <param name="ClientId">A second client of the owner, with a consent and a grant (the records another practice aims at).</param>
/// <param name="ClientName">That client's name, looked for in other practices' response bodies.</param>
/// <param name="ConsentId">A consent of that client.</param>
/// <param name="TaylorId">A clinician who never acts in the matrix, granted view on that client.</param>
/// <param name="SessionId">A session the owner started with that client (still recording).</param>
/// <param name="Note">A note the owner wrote for that session (a statement and a risk item).</param>
/// <param name="EmergencyAccessId">An emergency access the designated clinician declared on a client of their own, not yet acknowledged.</param>
/// <param name="ExportId">An audit export the owner downloaded (its manifest is stored).</param>
/// <param name="CheckoutSessionId">A completed Stripe Checkout of the practice, never brought back (another practice's owner tries to claim it).</param>
public sealed record MatrixPractice(
    Practice Practice,
    ClientId ClientId,
    string ClientName,
    ClientConsentId ConsentId,
    MembershipId TaylorId,
    ClinicalSessionId SessionId,
    MatrixNote Note,
    EmergencyAccessId EmergencyAccessId,
    Guid ExportId,
    string CheckoutSessionId)
{
    public PracticeId PracticeId => Practice.PracticeId;
}

/// <summary>Arranges the extra records of the API isolation matrix through the app's own API and use cases.</summary>
/// <remarks>
/// Fresh members are made here rather than in <see cref="PracticeArrange"/> so rows that change a member (role, removal,
/// scope, ownership) never touch one of the arranged actors, whose tokens the other rows still use.
/// </remarks>
public static class ApiMatrixArrange
{
    public const string ClientsPath = "/api/v1/clients";

    public const string SessionsPath = "/api/v1/sessions";

    private static readonly Uri TokenUri = new("/api/v1/auth/token", UriKind.Relative);

    /// <summary>The practice's extra client (named <paramref name="clientName"/>) with recording and AI-processing consents, a
    /// clinician granted view on it, and a session the owner started with it; the compliance officer with a second factor
    /// (as an audit reader needs), the clinician designated for emergency access with one declared, an audit export, and
    /// billing with a Stripe customer (no subscription: the trial still runs) and a completed Checkout not yet brought back.</summary>
    public static async Task<MatrixPractice> ArrangeAsync(WebApplicationFactory<Program> factory, Practice practice, string clientName, FakeStripeServer stripe)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(practice);
        ArgumentNullException.ThrowIfNull(stripe);
        var compliance = await PracticeArrange.WithSecondFactorAsync(factory, practice.Compliance);
        practice = practice with { Members = new Dictionary<PracticeRole, ArrangedMember>(practice.Members) { [PracticeRole.Compliance] = compliance } };
        var clientId = await PracticeArrange.CreateClientAsync(factory, practice, PracticeRole.Owner, clientName);
        var consentId = await RecordConsentAsync(factory, practice, clientId);
        var taylor = await AddClinicianAsync(factory, practice, withSecondFactor: false);
        await GrantViewAsync(factory, practice, clientId, taylor);
        await RecordConsentAsync(factory, practice, clientId, "AiProcessing");
        var sessionId = await StartSessionAsync(factory, practice, clientId);
        var note = await WriteNoteAsync(factory, practice, sessionId);

        await PracticeArrange.RunAsAsync(factory.Services, practice.Owner.Token, sp => sp.GetRequiredService<SetEmergencyAccessMembersHandler>()
            .HandleAsync(new SetEmergencyAccessMembersCommand([practice.Clinician.UserId]), ClientInfo.Unknown, CancellationToken.None));
        var emergency = await DeclareEmergencyAccessAsync(factory, practice);
        var exportId = await ExportAuditLogAsync(factory, practice);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<BillingApplier>().LinkCustomerAsync(
                practice.PracticeId, stripe.AddCustomer(practice.Owner.Email), "matrix-arrange", new AuditActor(practice.Owner.UserId, practice.Owner.Email), CancellationToken.None);
        }

        var (checkout, _) = stripe.AddCompletedCheckout(practice.PracticeId.ToString(), 3);
        return new MatrixPractice(practice, clientId, clientName, consentId, taylor, sessionId, note, emergency, exportId, checkout);
    }

    /// <summary>A new client of the owner on which the practice's designated clinician declares emergency access; returns the access.</summary>
    public static async Task<EmergencyAccessId> DeclareEmergencyAccessAsync(WebApplicationFactory<Program> factory, Practice practice)
    {
        ArgumentNullException.ThrowIfNull(practice);
        var clientId = await PracticeArrange.CreateClientAsync(factory, practice, PracticeRole.Owner, "Riley Fresh");
        using var client = PracticeArrange.ApiClient(factory, practice, PracticeRole.Clinician);
        using var response = await client.PostAsJsonAsync(
            new Uri($"{ClientsPath}/{clientId}/emergency-access", UriKind.Relative), new { reason = "Covering an urgent call; the treating clinician is away." });
        await EnsureAsync(response, HttpStatusCode.OK, "Declaring emergency access");
        return EmergencyAccessId.Parse((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, null);
    }

    /// <summary>Starts a Stripe Checkout as the owner and returns its session id (open: not paid, so not yet complete).</summary>
    public static async Task<string> StartCheckoutAsync(WebApplicationFactory<Program> factory, Practice practice)
    {
        ArgumentNullException.ThrowIfNull(practice);
        using var client = PracticeArrange.ApiClient(factory, practice, PracticeRole.Owner);
        using var response = await client.PostAsJsonAsync(new Uri("/api/v1/billing/checkout", UriKind.Relative), new { annual = false });
        await EnsureAsync(response, HttpStatusCode.OK, "Starting a checkout");
        var url = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        return url[(url.LastIndexOf('/') + 1)..];
    }

    /// <summary>Downloads the practice's audit log as the owner, so its signed manifest is stored; returns the export id.</summary>
    private static async Task<Guid> ExportAuditLogAsync(WebApplicationFactory<Program> factory, Practice practice)
    {
        var exportId = Guid.CreateVersion7();
        using var client = PracticeArrange.ApiClient(factory, practice, PracticeRole.Owner);
        using var response = await client.GetAsync(new Uri($"/api/v1/compliance/audit-export?exportId={exportId:D}", UriKind.Relative));
        await EnsureAsync(response, HttpStatusCode.OK, "Exporting the audit log");
        await response.Content.ReadAsByteArrayAsync();
        return exportId;
    }

    /// <summary>A transcript line with a risk phrase for the session, then the owner's note on it with one statement (version 2).</summary>
    public static async Task<MatrixNote> WriteNoteAsync(WebApplicationFactory<Program> factory, Practice practice, ClinicalSessionId sessionId)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(practice);
        await factory.Services.GetRequiredService<TranscriptProtector>().SaveMachineTextAsync(
            practice.PracticeId, sessionId, 0, TimeSpan.Zero, TimeSpan.FromSeconds(60),
            new TranscriptionResult([new TranscribedSpan(TimeSpan.Zero, TimeSpan.FromSeconds(5), "Some nights I thought about killing myself.", "A")], "m"),
            CancellationToken.None);
        using var client = PracticeArrange.ApiClient(factory, practice, PracticeRole.Owner);
        using var created = await client.PostAsync(new Uri($"{SessionsPath}/{sessionId}/note/", UriKind.Relative), null);
        await EnsureAsync(created, HttpStatusCode.Created, "Writing a note");
        var noteId = NoteId.Parse((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, null);
        using var saved = await client.PutAsJsonAsync(
            new Uri($"/api/v1/notes/{noteId}/sections/presentation", UriKind.Relative), new { statements = new[] { new { text = "Presented calm." } }, basedOnVersion = 1 });
        await EnsureAsync(saved, HttpStatusCode.OK, "Saving a section");
        var note = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/notes/{noteId}/", UriKind.Relative));
        var content = note.GetProperty("content");
        return new MatrixNote(
            noteId,
            content.GetProperty("sections")[0].GetProperty("statements")[0].GetProperty("id").GetString()!,
            content.GetProperty("risks")[0].GetProperty("id").GetString()!);
    }

    /// <summary>A new clinician of the practice (invited by the owner, accepted), optionally with a second factor; returns the membership.</summary>
    public static async Task<MembershipId> AddClinicianAsync(WebApplicationFactory<Program> factory, Practice practice, bool withSecondFactor)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(practice);
        var services = factory.Services;
        var email = IdentityArrange.NewEmail("fresh");
        await PracticeArrange.RunAsAsync(services, practice.Owner.Token, sp => sp.GetRequiredService<InviteMemberHandler>()
            .HandleAsync(new InviteMemberCommand(email, PracticeRole.Clinician), ClientInfo.Unknown, CancellationToken.None));
        var invitation = await MailedTokenAsync(services, email, "/account/accept-invitation");
        AcceptInvitationResult accepted;
        await using (var scope = services.CreateAsyncScope())
        {
            accepted = await scope.ServiceProvider.GetRequiredService<AcceptInvitationHandler>().HandleAsync(
                new AcceptInvitationCommand(invitation, "Fresh Clinician", IdentityArrange.Password), ClientInfo.Unknown, CancellationToken.None);
        }

        if (withSecondFactor)
        {
            await EnrollSecondFactorAsync(factory, email);
        }

        return accepted.MembershipId;
    }

    /// <summary>Records a verbal consent of the kind (recording unless named) on the client as the owner; returns its id.</summary>
    public static async Task<ClientConsentId> RecordConsentAsync(WebApplicationFactory<Program> factory, Practice practice, ClientId clientId, string kind = "Recording")
    {
        ArgumentNullException.ThrowIfNull(practice);
        using var client = PracticeArrange.ApiClient(factory, practice, PracticeRole.Owner);
        var response = await client.PostAsJsonAsync(
            new Uri($"{ClientsPath}/{clientId}/consents", UriKind.Relative),
            new { kind, method = "Verbal", effectiveFrom = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await EnsureAsync(response, HttpStatusCode.Created, "Recording a consent");
        return ClientConsentId.Parse((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, null);
    }

    /// <summary>A new client of the owner with recording and AI-processing consents, ready to record.</summary>
    public static async Task<ClientId> CreateConsentedClientAsync(WebApplicationFactory<Program> factory, Practice practice)
    {
        var clientId = await PracticeArrange.CreateClientAsync(factory, practice, PracticeRole.Owner, "Morgan Fresh");
        await RecordConsentAsync(factory, practice, clientId);
        await RecordConsentAsync(factory, practice, clientId, "AiProcessing");
        return clientId;
    }

    /// <summary>Starts recording a session with the client as the owner; returns its id.</summary>
    public static async Task<ClinicalSessionId> StartSessionAsync(WebApplicationFactory<Program> factory, Practice practice, ClientId clientId)
    {
        ArgumentNullException.ThrowIfNull(practice);
        using var client = PracticeArrange.ApiClient(factory, practice, PracticeRole.Owner);
        using var response = await client.PostAsync(new Uri($"{ClientsPath}/{clientId}/sessions/", UriKind.Relative), null);
        await EnsureAsync(response, HttpStatusCode.Created, "Starting a session");
        return ClinicalSessionId.Parse((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, null);
    }

    /// <summary>Pauses the owner's session as the owner.</summary>
    public static async Task PauseSessionAsync(WebApplicationFactory<Program> factory, Practice practice, ClinicalSessionId sessionId)
    {
        ArgumentNullException.ThrowIfNull(practice);
        using var client = PracticeArrange.ApiClient(factory, practice, PracticeRole.Owner);
        using var response = await client.PostAsync(new Uri($"{SessionsPath}/{sessionId}/pause", UriKind.Relative), null);
        await EnsureAsync(response, HttpStatusCode.OK, "Pausing a session");
    }

    /// <summary>A valid audio chunk: a canonical WAV (16 kHz mono 16-bit) of a tenth of a second of silence.</summary>
    public static byte[] Chunk() => PcmWav.Write(new short[PcmWav.SampleRate / 10]);

    /// <summary>Grants the member view on the client as the owner.</summary>
    public static async Task GrantViewAsync(WebApplicationFactory<Program> factory, Practice practice, ClientId clientId, MembershipId membershipId)
    {
        ArgumentNullException.ThrowIfNull(practice);
        using var client = PracticeArrange.ApiClient(factory, practice, PracticeRole.Owner);
        var response = await client.PutAsJsonAsync(
            new Uri($"{ClientsPath}/{clientId}/access/{membershipId}", UriKind.Relative), new { view = true, edit = false, push = false, export = false });
        await EnsureAsync(response, HttpStatusCode.OK, "Granting view");
    }

    private static async Task EnrollSecondFactorAsync(WebApplicationFactory<Program> factory, string email)
    {
        using var http = factory.CreateClient();
        var response = await http.PostAsJsonAsync(TokenUri, new { email, password = IdentityArrange.Password });
        await EnsureAsync(response, HttpStatusCode.OK, "Signing in");
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        await PracticeArrange.RunAsAsync(factory.Services, token, async sp =>
        {
            var enrollment = await sp.GetRequiredService<BeginMfaEnrollmentHandler>().HandleAsync(new BeginMfaEnrollmentCommand(), ClientInfo.Unknown, CancellationToken.None);
            var code = new Totp(Base32Encoding.ToBytes(enrollment.Secret)).ComputeTotp(DateTime.UtcNow);
            await sp.GetRequiredService<ConfirmMfaEnrollmentHandler>()
                .HandleAsync(new ConfirmMfaEnrollmentCommand(enrollment.Secret, code), ClientInfo.Unknown, CancellationToken.None);
        });
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The <c>token</c> of the newest link to <paramref name="path"/> mailed to <paramref name="email"/> (development outbox).</summary>
    private static async Task<string> MailedTokenAsync(IServiceProvider services, string email, string path)
    {
        var outbox = await services.GetRequiredService<IOutboxRepository>().ListNewestAsync(50, CancellationToken.None);
        var mail = outbox.First(m => string.Equals(m.To, email, StringComparison.OrdinalIgnoreCase) && m.TextBody.Contains(path, StringComparison.Ordinal));
        var token = Regex.Match(mail.TextBody, Regex.Escape(path) + @"\?token=([^\s&]+)").Groups[1].Value;
        return Uri.UnescapeDataString(token);
    }
}

/// <summary>A note of the matrix at version 2: its id, a statement and a risk item.</summary>
/// <param name="Id">The note.</param>
/// <param name="StatementId">Its one statement.</param>
/// <param name="RiskId">Its one risk item.</param>
public sealed record MatrixNote(NoteId Id, string StatementId, string RiskId);
