namespace Plexura.Core.Common;

/// <summary>The record does not exist in the caller's practice (or at all: the two are indistinguishable).</summary>
public sealed class RecordNotFoundException(string recordType)
    : Exception($"{recordType} was not found.")
{
    /// <summary>The kind of record that was looked for.</summary>
    public string RecordType { get; } = recordType;
}

/// <summary>An update was based on a stale version of the record.</summary>
public sealed class ConcurrencyConflictException(string recordType)
    : Exception($"{recordType} was changed by someone else. Reload and try again.")
{
    /// <summary>The kind of record in conflict.</summary>
    public string RecordType { get; } = recordType;
}

/// <summary>A record with the same unique key already exists.</summary>
/// <remarks>The message names the key, never its value: values such as emails must not reach logs.</remarks>
public sealed class DuplicateRecordException(string recordType, string key)
    : Exception($"A {recordType} with the same {key} already exists.")
{
    /// <summary>The kind of record.</summary>
    public string RecordType { get; } = recordType;

    /// <summary>The unique key that collided.</summary>
    public string Key { get; } = key;
}

/// <summary>Input that breaks a rule; the message is safe to show to the user and never contains PHI.</summary>
public sealed class ValidationFailedException(string message) : Exception(message);

/// <summary>The use case needs a signed-in user and there is none (or the session behind it is gone).</summary>
public sealed class NotSignedInException() : Exception("Sign in to continue.");

/// <summary>The signed-in user may not do this (HTTP 403). The message is safe to show and names no record values.</summary>
public sealed class AccessDeniedException(string message = "You do not have permission to do this.") : Exception(message);

/// <summary>The server is refusing work it cannot take on now (HTTP 503 with Retry-After); the message is safe to show.</summary>
/// <param name="message">What to show.</param>
/// <param name="retryAfter">How long the client should wait before trying again.</param>
/// <remarks>
/// Thrown when a bounded queue of expensive work (password hashing) is full, so a flood of requests is turned away
/// cheaply instead of queueing without limit and starving everyone else.
/// </remarks>
public sealed class ServiceBusyException(string message, TimeSpan retryAfter) : Exception(message)
{
    /// <summary>The message for a full password-hashing queue.</summary>
    public const string PasswordHashingMessage = "Too many sign-in attempts are being processed; try again in a few seconds.";

    /// <summary>How long the client should wait before trying again.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
