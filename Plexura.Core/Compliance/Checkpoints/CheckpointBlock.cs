using System.Globalization;
using System.Text;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Common;

namespace Plexura.Core.Compliance.Checkpoints;

/// <summary>A checkpoint's fields as read from (or written into) its signed text block.</summary>
/// <param name="PracticeId">The practice.</param>
/// <param name="Sequence">The head's sequence.</param>
/// <param name="Hash">The head's hash.</param>
/// <param name="HeadTime">The head's time.</param>
/// <param name="CreatedAt">When it was signed.</param>
/// <param name="Signature">The signature over <see cref="CheckpointBlock.SignedText"/>.</param>
public sealed record CheckpointClaim(PracticeId PracticeId, long Sequence, string Hash, DateTimeOffset HeadTime, DateTimeOffset CreatedAt, AuditSignature Signature);

/// <summary>
/// The checkpoint's text block: readable, pasteable from an email or a manifest, verifiable offline with the practice's
/// public key (ES256 over the UTF-8 of <see cref="SignedText"/>: the Format..Created lines joined by "\n", with a
/// final "\n").
/// </summary>
/// <remarks>
/// Parsing is lenient about what mail clients do to text (line endings, indentation, a quoting "&gt; ", blank lines)
/// but not about content: the signed text is rebuilt from the parsed values, so any changed value fails the signature.
/// </remarks>
public static class CheckpointBlock
{
    /// <summary>The block's format name, signed with it.</summary>
    public const string Format = "plexura-audit-checkpoint-v1";

    /// <summary>The first line.</summary>
    public const string Begin = "-----BEGIN PLEXURA AUDIT CHECKPOINT-----";

    /// <summary>The last line.</summary>
    public const string End = "-----END PLEXURA AUDIT CHECKPOINT-----";

    /// <summary>The longest block accepted from a paste.</summary>
    public const int MaxLength = 4_000;

    /// <summary>The text that is signed.</summary>
    public static string SignedText(PracticeId practiceId, long sequence, string hash, DateTimeOffset headTime, DateTimeOffset createdAt) =>
        $"Format: {Format}\nPractice: {practiceId}\nSequence: {sequence.ToString(CultureInfo.InvariantCulture)}\nHash: {hash}\n" +
        $"Head-Time: {Time(headTime)}\nCreated: {Time(createdAt)}\n";

    /// <summary>The whole block: begin line, signed text, key id, algorithm, signature, end line.</summary>
    public static string Write(string signedText, AuditSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return $"{Begin}\n{signedText}Key-Id: {signature.KeyId}\nAlgorithm: {signature.Algorithm}\nSignature: {signature.Value}\n{End}\n";
    }

    /// <summary>Parses a pasted block; throws <see cref="ValidationFailedException"/> with a clear reason when it is not one.</summary>
    public static CheckpointClaim Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ValidationFailedException("Paste a signed checkpoint block.");
        }

        if (text.Length > MaxLength)
        {
            throw new ValidationFailedException($"A signed checkpoint block is at most {MaxLength} characters.");
        }

        var lines = text.ReplaceLineEndings("\n").Split('\n')
            .Select(l => l.Trim().TrimStart('>').Trim())
            .Where(l => l.Length > 0)
            .ToList();
        var begin = lines.IndexOf(Begin);
        var end = lines.IndexOf(End);
        if (begin < 0 || end < begin)
        {
            throw new ValidationFailedException($"The text is not a signed checkpoint: it must start with {Begin} and end with {End}.");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(begin + 1).Take(end - begin - 1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim()))
            {
                throw new ValidationFailedException("The signed checkpoint has a malformed or repeated line.");
            }
        }

        string Field(string name) => fields.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new ValidationFailedException($"The signed checkpoint has no {name} line.");

        if (Field("Format") != Format)
        {
            throw new ValidationFailedException($"The signed checkpoint's format is not {Format}.");
        }

        if (!PracticeId.TryParse(Field("Practice"), CultureInfo.InvariantCulture, out var practiceId)
            || !long.TryParse(Field("Sequence"), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || Field("Hash") is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigitLower)
            || !TryTime(Field("Head-Time"), out var headTime) || !TryTime(Field("Created"), out var createdAt))
        {
            throw new ValidationFailedException("The signed checkpoint's practice, sequence, hash or times are malformed.");
        }

        return new CheckpointClaim(practiceId, sequence, hash, headTime, createdAt,
            new AuditSignature(Field("Key-Id"), Field("Algorithm"), Field("Signature")));
    }

    /// <summary>Whether the claim's signature verifies with <paramref name="publicKeyPem"/>.</summary>
    public static bool Verify(CheckpointClaim claim, string publicKeyPem)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var text = SignedText(claim.PracticeId, claim.Sequence, claim.Hash, claim.HeadTime, claim.CreatedAt);
        return AuditSignatures.Verify(publicKeyPem, Encoding.UTF8.GetBytes(text), claim.Signature);
    }

    private static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static bool TryTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
}
