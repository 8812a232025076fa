using Plexura.Core.Common;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.ChoosePractice;

/// <summary>List the practices the signed-in user may enter.</summary>
public sealed record ListMyPracticesCommand;

/// <summary>A practice the user belongs to.</summary>
/// <param name="MembershipId">The user's membership there: what the chooser sends back.</param>
/// <param name="PracticeId">The practice.</param>
/// <param name="Name">Its name.</param>
/// <param name="Role">The user's role there.</param>
/// <param name="IsCurrent">Whether the current session is inside it.</param>
public sealed record MyPractice(MembershipId MembershipId, PracticeId PracticeId, string Name, PracticeRole Role, bool IsCurrent);

/// <summary>Enter one of the signed-in user's practices.</summary>
/// <param name="MembershipId">One of the user's own memberships (commands never carry a practice id).</param>
public sealed record ChoosePracticeCommand(MembershipId MembershipId);

/// <summary>Lists the signed-in user's practices, for the practice chooser.</summary>
/// <remarks>Only the user's own memberships are read; names come from practices they belong to.</remarks>
public sealed class ListMyPracticesHandler(ICurrentUser currentUser, ISessionRepository sessions, IUserRepository users,
    IMembershipRepository memberships, IPracticeRepository practices, TimeProvider time)
{
    /// <summary>The user's practices, by name.</summary>
    public async Task<IReadOnlyList<MyPractice>> HandleAsync(ListMyPracticesCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (user, session) = await SignedInAccount.RequireAsync(currentUser, sessions, users, time, ct);
        var list = new List<MyPractice>();
        foreach (var membership in await memberships.ListForUserAsync(user.Id, ct))
        {
            if (await practices.GetAsync(membership.PracticeId, ct) is { } practice)
            {
                list.Add(new MyPractice(membership.Id, practice.Id, practice.Name, membership.Role, session.PracticeId == practice.Id));
            }
        }

        return [.. list.OrderBy(p => p.Name, StringComparer.CurrentCultureIgnoreCase)];
    }
}

/// <summary>Moves the signed-in user into one of their practices: a new session and token for it, the old session revoked.</summary>
/// <remarks>
/// The practice a session may touch is fixed in its token and checked against the session on every request, so
/// changing practice means a new session rather than an edited one. The command names a membership, and only the
/// signed-in user's own memberships are searched: anyone else's id is "not found", like one that does not exist.
/// </remarks>
public sealed class ChoosePracticeHandler(ICurrentUser currentUser, ISessionRepository sessions, IUserRepository users,
    IMembershipRepository memberships, SessionOpener opener, TimeProvider time)
{
    /// <summary>Enters the practice; throws <see cref="RecordNotFoundException"/> when the user is not a member of it.</summary>
    public async Task<SignInResult.Success> HandleAsync(ChoosePracticeCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (user, session) = await SignedInAccount.RequireAsync(currentUser, sessions, users, time, ct);
        var all = await memberships.ListForUserAsync(user.Id, ct);
        var chosen = all.FirstOrDefault(m => m.Id == command.MembershipId) ?? throw new RecordNotFoundException("membership");

        var opened = await opener.OpenAsync(user, all, client, change: null, factor: "practice-chosen", ct, enter: chosen);
        await sessions.RevokeAsync(session, SessionRevocationReason.PracticeChosen, time.GetUtcNow(), ct);
        return opened;
    }
}
