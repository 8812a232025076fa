namespace Plexura.Core.Practices.Access;

/// <summary>The answer of a <see cref="PracticePolicy"/> rule.</summary>
/// <param name="IsAllowed">Whether the actor may go ahead.</param>
/// <param name="Code">A short code for the audit log, for example <c>role</c> or <c>mfa-required</c>.</param>
/// <param name="Reason">When refused, a message that can be shown to the user as is; empty when allowed.</param>
public sealed record PracticeDecision(bool IsAllowed, string Code, string Reason)
{
    /// <summary>The actor may go ahead.</summary>
    public static readonly PracticeDecision Allowed = new(true, "allowed", string.Empty);

    /// <summary>A refusal with an audit code and a message for the user.</summary>
    public static PracticeDecision Deny(string code, string reason) => new(false, code, reason);
}
