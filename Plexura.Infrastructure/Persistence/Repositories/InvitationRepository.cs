using Plexura.Core.Common;
using Plexura.Core.Invitations;
using Plexura.Core.Users;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Invitations, on any engine. Emails are stored normalized.</summary>
internal sealed class InvitationRepository(IDocumentStore store) : IInvitationRepository
{
    private static readonly string TokenHashField = DocumentFields.Of(nameof(Invitation.TokenHash));
    private static readonly string EmailField = DocumentFields.Of(nameof(Invitation.Email));

    private readonly IDocumentCollection<Invitation> _invitations = store.Collection(Collections.Invitations);

    public Task AddAsync(PracticeId practiceId, Invitation invitation, CancellationToken ct) =>
        _invitations.InsertAsync(DocumentScope.Practice(practiceId), Normalized(invitation), ct);

    public Task<Invitation?> GetAsync(PracticeId practiceId, InvitationId invitationId, CancellationToken ct) =>
        _invitations.GetAsync(DocumentScope.Practice(practiceId), invitationId.ToString(), ct);

    public Task<IReadOnlyList<Invitation>> ListAsync(PracticeId practiceId, CancellationToken ct) =>
        _invitations.FindManyAsync(DocumentScope.Practice(practiceId), null, null, ct);

    public Task<IReadOnlyList<Invitation>> ListForEmailAsync(PracticeId practiceId, string email, CancellationToken ct) =>
        _invitations.FindManyAsync(DocumentScope.Practice(practiceId), EmailField, User.NormalizeEmail(email), ct);

    public Task<Invitation> UpdateAsync(PracticeId practiceId, Invitation invitation, CancellationToken ct) =>
        _invitations.ReplaceAsync(DocumentScope.Practice(practiceId), Normalized(invitation), ct);

    public async Task<Invitation?> FindByTokenHashAsync(string tokenHash, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(tokenHash))
        {
            return null;
        }

        var found = await _invitations.FindAcrossPracticesAsync(TokenHashField, tokenHash, ct);
        return found.Count == 1 ? found[0] : null;
    }

    private static Invitation Normalized(Invitation invitation) => invitation with { Email = User.NormalizeEmail(invitation.Email) };
}
