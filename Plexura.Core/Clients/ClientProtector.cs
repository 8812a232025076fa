using System.Globalization;
using Plexura.Core.Common;
using Plexura.Core.Security;

namespace Plexura.Core.Clients;

/// <summary>Turns plain <see cref="ClientDetails"/> into a stored <see cref="Client"/> and back.</summary>
/// <remarks>
/// The only place a client's identifying fields are encrypted or decrypted. Each field is bound to its practice,
/// client and field name, so a ciphertext pasted into another client or field does not decrypt. Details are
/// validated before anything is encrypted, so a refused value is never written anywhere, not even as ciphertext.
/// </remarks>
public sealed class ClientProtector(IPhiProtector phi, IClientSearchIndexer indexer)
{
    private const string NameField = "name";
    private const string DateOfBirthField = "dateOfBirth";
    private const string PronounsField = "pronouns";
    private const string ExternalRecordNumberField = "externalRecordNumber";
    private const string DateFormat = "yyyy-MM-dd";

    /// <summary>A new client record (version 0) for validated <paramref name="details"/>.</summary>
    /// <remarks>"Today" for the date-of-birth rule is the UTC date of <paramref name="now"/>; practices have no time zone yet.</remarks>
    /// <exception cref="ValidationFailedException">The details break a rule of <see cref="ClientValidation"/>.</exception>
    public async Task<Client> CreateAsync(
        PracticeId practiceId, ClientId clientId, ClientDetails details, UserId createdBy, DateTimeOffset now, CancellationToken ct)
    {
        var valid = ClientValidation.Validate(details, DateOnly.FromDateTime(now.UtcDateTime));
        var client = new Client(clientId, practiceId, string.Empty, string.Empty, null, null, [], now, createdBy, now);
        return await SealAsync(client, valid, ct);
    }

    /// <summary>The client with new details (re-encrypted, re-indexed) and <see cref="Client.UpdatedAt"/> set; version unchanged.</summary>
    /// <exception cref="ValidationFailedException">The details break a rule of <see cref="ClientValidation"/>.</exception>
    public async Task<Client> ChangeAsync(Client client, ClientDetails details, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var valid = ClientValidation.Validate(details, DateOnly.FromDateTime(now.UtcDateTime));
        return await SealAsync(client with { UpdatedAt = now }, valid, ct);
    }

    /// <summary>The plain details of a stored client.</summary>
    /// <exception cref="PhiUnreadableException">A field was altered, moved, or the practice's key was destroyed.</exception>
    public async Task<ClientDetails> RevealAsync(Client client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var name = await phi.UnprotectAsync(client.PracticeId, Field(client, NameField), client.ProtectedName, ct);
        var dobText = await phi.UnprotectAsync(client.PracticeId, Field(client, DateOfBirthField), client.ProtectedDateOfBirth, ct);
        if (!DateOnly.TryParseExact(dobText, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dateOfBirth))
        {
            throw new PhiUnreadableException("The stored date of birth is not a date.");
        }

        var pronouns = client.ProtectedPronouns is { } p
            ? await phi.UnprotectAsync(client.PracticeId, Field(client, PronounsField), p, ct)
            : null;
        var number = client.ProtectedExternalRecordNumber is { } n
            ? await phi.UnprotectAsync(client.PracticeId, Field(client, ExternalRecordNumberField), n, ct)
            : null;
        return new ClientDetails(name, dateOfBirth, pronouns, number);
    }

    private async Task<Client> SealAsync(Client client, ClientDetails valid, CancellationToken ct)
    {
        var practice = client.PracticeId;
        return client with
        {
            ProtectedName = await phi.ProtectAsync(practice, Field(client, NameField), valid.Name, ct),
            ProtectedDateOfBirth = await phi.ProtectAsync(
                practice, Field(client, DateOfBirthField), valid.DateOfBirth.ToString(DateFormat, CultureInfo.InvariantCulture), ct),
            ProtectedPronouns = valid.Pronouns is { } p ? await phi.ProtectAsync(practice, Field(client, PronounsField), p, ct) : null,
            ProtectedExternalRecordNumber = valid.ExternalRecordNumber is { } n
                ? await phi.ProtectAsync(practice, Field(client, ExternalRecordNumberField), n, ct)
                : null,
            SearchTokens = await indexer.IndexTokensAsync(practice, valid.Name, ct),
        };
    }

    private static PhiField Field(Client client, string field) => new(Client.RecordType, client.Id.ToString(), field);
}
