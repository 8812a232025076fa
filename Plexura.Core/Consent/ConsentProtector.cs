using Plexura.Core.Common;
using Plexura.Core.Security;

namespace Plexura.Core.Consent;

/// <summary>The plain details of a consent being documented. Never log this record whole.</summary>
/// <param name="Kind">What is consented to.</param>
/// <param name="Method">How consent was given.</param>
/// <param name="EffectiveFrom">From when it applies.</param>
/// <param name="ExpiresAt">When it stops applying; required for a Part 2 disclosure.</param>
/// <param name="Recipient">Part 2 only: who may receive the record.</param>
/// <param name="Purpose">Part 2 only: what the disclosure is for.</param>
/// <param name="Notes">Optional notes.</param>
public sealed record ConsentDetails(
    ConsentKind Kind,
    ConsentMethod Method,
    DateTimeOffset EffectiveFrom,
    DateTimeOffset? ExpiresAt = null,
    string? Recipient = null,
    string? Purpose = null,
    string? Notes = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(ConsentDetails)} {{ Kind = {Kind}, Method = {Method}, PHI hidden }}";
}

/// <summary>The decrypted free-text parts of a consent.</summary>
/// <param name="Recipient">The Part 2 recipient, or null.</param>
/// <param name="Purpose">The Part 2 purpose, or null.</param>
/// <param name="Notes">The notes, or null.</param>
/// <param name="RevocationReason">The reason for revocation, or null.</param>
public sealed record ConsentText(string? Recipient, string? Purpose, string? Notes, string? RevocationReason)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(ConsentText)} {{ PHI hidden }}";
}

/// <summary>Validates consents, encrypts their free text, and revokes them.</summary>
/// <remarks>
/// Validation messages name the rule, never the value, and run before anything is encrypted. Free text follows
/// <see cref="PersonText"/> (no control or invisible characters, NFC); dates must be plausible (effective within the
/// last <see cref="MaxYearsBack"/> years and at most a year ahead, expiry at most <see cref="MaxYearsAhead"/> years
/// ahead), so 0001-01-01 or 9999-12-31 never make a consent look older or longer-lived than any real one.
/// </remarks>
public sealed class ConsentProtector(IPhiProtector phi)
{
    /// <summary>The longest recipient, purpose, notes or reason accepted.</summary>
    public const int TextMaxLength = 2000;

    /// <summary>How far back a consent's effective date may lie (a paper consent documented late), in years.</summary>
    public const int MaxYearsBack = 50;

    /// <summary>How far ahead a consent's expiry may lie, in years.</summary>
    public const int MaxYearsAhead = 50;

    /// <summary>A new consent (version 0) documented by <paramref name="recordedBy"/> at <paramref name="now"/>.</summary>
    /// <exception cref="ValidationFailedException">The details break a rule.</exception>
    public async Task<ClientConsent> CreateAsync(
        PracticeId practiceId, ClientId clientId, ClientConsentId consentId, ConsentDetails details, UserId recordedBy, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(details);
        if (!Enum.IsDefined(details.Kind) || !Enum.IsDefined(details.Method))
        {
            throw new ValidationFailedException("Choose what was consented to and how.");
        }

        if (details.EffectiveFrom < now.AddYears(-MaxYearsBack) || details.EffectiveFrom > now.AddYears(1))
        {
            throw new ValidationFailedException(
                $"A consent's effective date must be within the last {MaxYearsBack} years and at most one year ahead.");
        }

        if (details.ExpiresAt is { } expires && (expires <= now || expires <= details.EffectiveFrom))
        {
            throw new ValidationFailedException("A consent's expiry must be in the future and after it takes effect.");
        }

        if (details.ExpiresAt is { } distant && distant > now.AddYears(MaxYearsAhead))
        {
            throw new ValidationFailedException($"A consent's expiry can be at most {MaxYearsAhead} years ahead.");
        }

        var recipient = Optional(details.Recipient, "The recipient", multiline: false);
        var purpose = Optional(details.Purpose, "The purpose", multiline: true);
        var notes = Optional(details.Notes, "The notes", multiline: true);
        if (details.Kind == ConsentKind.Part2Disclosure)
        {
            // 42 CFR 2.31: a Part 2 consent names the recipient, the purpose and when it expires.
            if (recipient is null || purpose is null || details.ExpiresAt is null)
            {
                throw new ValidationFailedException("A Part 2 disclosure consent needs a recipient, a purpose and an expiry date.");
            }
        }
        else if (recipient is not null || purpose is not null)
        {
            throw new ValidationFailedException("Only a Part 2 disclosure consent has a recipient and a purpose.");
        }

        var consent = new ClientConsent(
            consentId, practiceId, clientId, details.Kind, details.Method, recordedBy, now, details.EffectiveFrom, details.ExpiresAt);
        return consent with
        {
            ProtectedRecipient = await ProtectAsync(consent, "recipient", recipient, ct),
            ProtectedPurpose = await ProtectAsync(consent, "purpose", purpose, ct),
            ProtectedNotes = await ProtectAsync(consent, "notes", notes, ct),
        };
    }

    /// <summary>The consent revoked by <paramref name="revokedBy"/> at <paramref name="now"/>; version unchanged.</summary>
    /// <exception cref="ValidationFailedException">It is already revoked, or the reason is too long.</exception>
    public async Task<ClientConsent> RevokeAsync(ClientConsent consent, UserId revokedBy, string? reason, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(consent);
        if (consent.IsRevoked)
        {
            throw new ValidationFailedException("This consent was already revoked.");
        }

        return consent with
        {
            RevokedAt = now,
            RevokedBy = revokedBy,
            ProtectedRevocationReason = await ProtectAsync(consent, "revocationReason", Optional(reason, "The reason", multiline: true), ct),
        };
    }

    /// <summary>The decrypted free text of a consent.</summary>
    /// <exception cref="PhiUnreadableException">A field was altered, moved, or the practice's key was destroyed.</exception>
    public async Task<ConsentText> RevealAsync(ClientConsent consent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(consent);
        return new ConsentText(
            await UnprotectAsync(consent, "recipient", consent.ProtectedRecipient, ct),
            await UnprotectAsync(consent, "purpose", consent.ProtectedPurpose, ct),
            await UnprotectAsync(consent, "notes", consent.ProtectedNotes, ct),
            await UnprotectAsync(consent, "revocationReason", consent.ProtectedRevocationReason, ct));
    }

    private static string? Optional(string? value, string field, bool multiline) =>
        PersonText.Optional(value, field, TextMaxLength, multiline);

    private async ValueTask<string?> ProtectAsync(ClientConsent consent, string field, string? value, CancellationToken ct) =>
        value is null ? null : await phi.ProtectAsync(consent.PracticeId, Field(consent, field), value, ct);

    private async ValueTask<string?> UnprotectAsync(ClientConsent consent, string field, string? value, CancellationToken ct) =>
        value is null ? null : await phi.UnprotectAsync(consent.PracticeId, Field(consent, field), value, ct);

    private static PhiField Field(ClientConsent consent, string field) => new(ClientConsent.RecordType, consent.Id.ToString(), field);
}
