using System.Globalization;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Users;

namespace Plexura.Core.Consent.ListConsents;

/// <summary>List a client's consents (active, not yet effective, expired and revoked).</summary>
/// <param name="ClientId">The client.</param>
public sealed record ListConsentsCommand(ClientId ClientId);

/// <summary>Where a consent stands at the moment of listing.</summary>
public enum ConsentState
{
    /// <summary>It applies now.</summary>
    Active,

    /// <summary>It takes effect later.</summary>
    NotYetEffective,

    /// <summary>Its expiry has passed (or, for a Part 2 disclosure, it has none).</summary>
    Expired,

    /// <summary>The client withdrew it.</summary>
    Revoked,
}

/// <summary>One consent as the client page shows it. Holds PHI (recipient, purpose, notes): never log it whole.</summary>
/// <param name="ConsentId">The consent.</param>
/// <param name="Kind">What was consented to.</param>
/// <param name="Method">How.</param>
/// <param name="RecordedBy">The member who documented it.</param>
/// <param name="RecordedByName">That member's display name, or a placeholder when the account is gone.</param>
/// <param name="RecordedAt">When it was documented.</param>
/// <param name="EffectiveFrom">From when it applies.</param>
/// <param name="ExpiresAt">When it stops applying, or null.</param>
/// <param name="Recipient">Part 2: the recipient.</param>
/// <param name="Purpose">Part 2: the purpose.</param>
/// <param name="Notes">Notes.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
/// <param name="State">Its state now.</param>
public sealed record ConsentEntry(
    ClientConsentId ConsentId,
    ConsentKind Kind,
    ConsentMethod Method,
    UserId RecordedBy,
    string RecordedByName,
    DateTimeOffset RecordedAt,
    DateTimeOffset EffectiveFrom,
    DateTimeOffset? ExpiresAt,
    string? Recipient,
    string? Purpose,
    string? Notes,
    DateTimeOffset? RevokedAt,
    ConsentState State)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(ConsentEntry)} {{ ConsentId = {ConsentId}, Kind = {Kind}, State = {State}, PHI hidden }}";
}

/// <summary>A client's consents and what they allow now.</summary>
/// <param name="Consents">Every consent, newest first.</param>
/// <param name="CanStartRecording">Whether a session may be recorded now (<see cref="ConsentRules.CanStartRecording"/>).</param>
public sealed record ClientConsentList(IReadOnlyList<ConsentEntry> Consents, bool CanStartRecording);

/// <summary>Lists a client's consents for a member who may view the client, decrypted and audited as one PHI view.</summary>
/// <remarks>
/// Authorized by <see cref="ClientAccessGate"/> with <see cref="ClientPermission.View"/>, like opening the client: the
/// recipient and purpose of a Part 2 disclosure identify the client's care. A client of another practice is "not
/// found". Each listing is one <see cref="AuditAction.PhiViewed"/> event naming the client id and the count shown.
/// </remarks>
public sealed class ListConsentsHandler(
    ClientAccessGate gate, IClientConsentRepository consents, ConsentProtector protector, IUserRepository users, IAuditLog audit, TimeProvider time)
{
    /// <summary>Shown in place of the recorder's name when their account no longer exists.</summary>
    public const string FormerMemberName = "A former member";

    /// <summary>The client's consents.</summary>
    public async Task<ClientConsentList> HandleAsync(ListConsentsCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = (await gate.RequireAsync(command.ClientId, ClientPermission.View, client, ct)).Actor;
        var stored = await consents.ListForClientAsync(actor.PracticeId, command.ClientId, ct);
        var now = time.GetUtcNow();
        var names = new Dictionary<UserId, string>();
        var entries = new List<ConsentEntry>(stored.Count);
        foreach (var consent in stored.Where(c => c.ClientId == command.ClientId))
        {
            if (!names.TryGetValue(consent.RecordedBy, out var name))
            {
                name = (await users.GetAsync(consent.RecordedBy, ct))?.DisplayName ?? FormerMemberName;
                names[consent.RecordedBy] = name;
            }

            var text = await protector.RevealAsync(consent, ct);
            entries.Add(new ConsentEntry(
                consent.Id, consent.Kind, consent.Method, consent.RecordedBy, name, consent.RecordedAt, consent.EffectiveFrom, consent.ExpiresAt,
                text.Recipient, text.Purpose, text.Notes, consent.RevokedAt, StateOf(consent, now)));
        }

        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.PhiViewed, AuditResult.Success, "client-consent", null, command.ClientId, ct,
            ("shown", entries.Count.ToString(CultureInfo.InvariantCulture)));
        return new ClientConsentList(
            [.. entries.OrderByDescending(e => e.RecordedAt)],
            ConsentRules.CanStartRecording([.. stored.Where(c => c.ClientId == command.ClientId)], now));
    }

    /// <summary>The state of <paramref name="consent"/> at <paramref name="now"/>, agreeing with <see cref="ConsentStatus.IsActive"/>.</summary>
    public static ConsentState StateOf(ClientConsent consent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(consent);
        if (consent.RevokedAt is { } revoked && now >= revoked)
        {
            return ConsentState.Revoked;
        }

        if (ConsentStatus.IsActive(consent, now))
        {
            return ConsentState.Active;
        }

        return now < consent.EffectiveFrom ? ConsentState.NotYetEffective : ConsentState.Expired;
    }
}
