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
    /// <summary>Whether a session may be recorded: an active Recording and an active AiProcessing consent are both needed.</summary>
    /// <param name="consents">All consents of one client.</param>
    /// <param name="now">The moment recording would start.</param>
    /// <remarks>
    /// Recording without AI processing is refused too: Plexura's recording exists to be transcribed and drafted,
    /// so audio captured under a recording-only consent would be processed without consent.
    /// </remarks>
    public static bool CanStartRecording(IReadOnlyCollection<ClientConsent> consents, DateTimeOffset now)
    {
        EnsureOneClient(consents);
        return consents.Any(c => c.Kind == ConsentKind.Recording && ConsentStatus.IsActive(c, now))
            && consents.Any(c => c.Kind == ConsentKind.AiProcessing && ConsentStatus.IsActive(c, now));
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
