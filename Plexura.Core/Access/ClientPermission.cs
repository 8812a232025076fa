namespace Plexura.Core.Access;

/// <summary>What a member may do to one client's record (HIPAA statement 3.4: view, edit, push, export).</summary>
public enum ClientPermission
{
    /// <summary>Open the client's record: demographics, sessions, transcripts, notes.</summary>
    View,

    /// <summary>Change the client's record: add sessions, edit and sign notes.</summary>
    Edit,

    /// <summary>Push a signed note to the EHR (a disclosure).</summary>
    Push,

    /// <summary>Export the client's record as a file (a disclosure, and the right of access).</summary>
    Export,
}

/// <summary>Which clients a member's access reaches.</summary>
public enum ClientScope
{
    /// <summary>Only the clients granted to the member one by one (and those they created).</summary>
    GrantedOnly,

    /// <summary>Every client of the practice, with the permissions set for the member's "all clients" scope.</summary>
    AllClients,
}

/// <summary>A set of the four client permissions.</summary>
/// <param name="View">May view.</param>
/// <param name="Edit">May edit.</param>
/// <param name="Push">May push to the EHR.</param>
/// <param name="Export">May export.</param>
public readonly record struct ClientPermissions(bool View, bool Edit, bool Push, bool Export)
{
    /// <summary>No permission at all.</summary>
    public static readonly ClientPermissions None;

    /// <summary>All four permissions.</summary>
    public static readonly ClientPermissions All = new(true, true, true, true);

    /// <summary>What the creator of a client may do to it: view and edit.</summary>
    public static readonly ClientPermissions Creator = new(true, true, false, false);

    /// <summary>Whether no permission is set.</summary>
    public bool IsNone => this == None;

    /// <summary>Whether the set holds <paramref name="permission"/>.</summary>
    public bool Allows(ClientPermission permission) => permission switch
    {
        ClientPermission.View => View,
        ClientPermission.Edit => Edit,
        ClientPermission.Push => Push,
        ClientPermission.Export => Export,
        _ => false,
    };

    /// <summary>Every permission held by either set.</summary>
    public ClientPermissions Union(ClientPermissions other) =>
        new(View || other.View, Edit || other.Edit, Push || other.Push, Export || other.Export);

    /// <summary>A short form for audit details, for example <c>view,edit</c>, or <c>none</c>.</summary>
    public string ToAuditString()
    {
        var names = new List<string>(4);
        if (View)
        {
            names.Add("view");
        }

        if (Edit)
        {
            names.Add("edit");
        }

        if (Push)
        {
            names.Add("push");
        }

        if (Export)
        {
            names.Add("export");
        }

        return names.Count == 0 ? "none" : string.Join(',', names);
    }
}
