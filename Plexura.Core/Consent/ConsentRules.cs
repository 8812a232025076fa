namespace Plexura.Core.Consent;

/// <summary>Whether one consent applies at a moment.</summary>
public static class ConsentStatus
{
    /// <summary>
    /// True when <paramref name="now"/> is at or after <see cref="ClientConsent.EffectiveFrom"/>, before
    /// <see cref="ClientConsent.ExpiresAt"/> (exclusive) and before any revocation.
    /// </summary>
    /// <remarks>
    /// Fails closed: a Part 2 disclosure without an expiry is never active (42 CFR 2.31 requires one), and the
    /// instant of expiry or revocation already counts as withdrawn. Revocation is compared with
    /// <paramref name="now"/>, so asking about an earlier moment answers what was allowed then.
    /// </remarks>
    public static bool IsActive(ClientConsent consent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(consent);
        if (consent.Kind == ConsentKind.Part2Disclosure && consent.ExpiresAt is null)
        {
            return false;
        }

        return now >= consent.EffectiveFrom
            && (consent.ExpiresAt is not { } expires || now < expires)
            && (consent.RevokedAt is not { } revoked || now < revoked);
    }
}

/// <summary>What a client's consents allow.</summary>
public static class ConsentRules
{
    /// <summary>The kinds of consent a recorded session needs, each active.</summary>
    private static readonly ConsentKind[] RecordingKinds = [ConsentKind.Recording, ConsentKind.AiProcessing];

    /// <summary>Whether a session may be recorded: an active Recording and an active AiProcessing consent are both needed.</summary>
    /// <param name="consents">All consents of one client.</param>
    /// <param name="now">The moment recording would start.</param>
    /// <remarks>
    /// Recording without AI processing is refused too: Plexura's recording exists to be transcribed and drafted,
    /// so audio captured under a recording-only consent would be processed without consent.
    /// </remarks>
    public static bool CanStartRecording(IReadOnlyCollection<ClientConsent> consents, DateTimeOffset now) =>
        MissingForRecording(consents, now).Count == 0;

    /// <summary>The kinds, of Recording and AiProcessing in that order, without an active consent: empty when recording may start.</summary>
    /// <param name="consents">All consents of one client.</param>
    /// <param name="now">The moment recording would start.</param>
    /// <remarks>Tells the member (and the audit log) which consent to document, without reading any consent text.</remarks>
    public static IReadOnlyList<ConsentKind> MissingForRecording(IReadOnlyCollection<ClientConsent> consents, DateTimeOffset now)
    {
        EnsureOneClient(consents);
        return [.. RecordingKinds.Where(kind => !consents.Any(c => c.Kind == kind && ConsentStatus.IsActive(c, now)))];
    }

    /// <summary>The active Recording and AiProcessing consents at <paramref name="now"/>, oldest first: what allows a session started then.</summary>
    /// <param name="consents">All consents of one client.</param>
    /// <param name="now">The moment recording starts.</param>
    /// <remarks>A session keeps these ids as the proof of which documented consent allowed it.</remarks>
    public static IReadOnlyList<ClientConsent> ActiveForRecording(IReadOnlyCollection<ClientConsent> consents, DateTimeOffset now)
    {
        EnsureOneClient(consents);
        return [.. consents.Where(c => RecordingKinds.Contains(c.Kind) && ConsentStatus.IsActive(c, now)).OrderBy(c => c.EffectiveFrom).ThenBy(c => c.Id.ToString(), StringComparer.Ordinal)];
    }

    /// <summary>The Part 2 disclosure consents active at <paramref name="now"/>, oldest first.</summary>
    /// <param name="consents">All consents of one client.</param>
    /// <param name="now">The moment of the disclosure.</param>
    /// <remarks>
    /// The recipient is encrypted, so matching a disclosure to a recipient is the caller's job after decrypting
    /// these few; an empty list means no Part 2 disclosure is allowed at all.
    /// </remarks>
    public static IReadOnlyList<ClientConsent> ActiveDisclosures(IReadOnlyCollection<ClientConsent> consents, DateTimeOffset now)
    {
        EnsureOneClient(consents);
        return [.. consents.Where(c => c.Kind == ConsentKind.Part2Disclosure && ConsentStatus.IsActive(c, now)).OrderBy(c => c.EffectiveFrom)];
    }

    /// <remarks>Mixing clients would let one client's consent unlock another's session: refused outright.</remarks>
    private static void EnsureOneClient(IReadOnlyCollection<ClientConsent> consents)
    {
        ArgumentNullException.ThrowIfNull(consents);
        if (consents.Select(c => (c.PracticeId, c.ClientId)).Distinct().Count() > 1)
        {
            throw new ArgumentException("Consents of more than one client were passed together.", nameof(consents));
        }
    }
}
