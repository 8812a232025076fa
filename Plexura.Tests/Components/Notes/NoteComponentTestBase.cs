using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Plexura.Core.Notes;

namespace Plexura.Tests.Components.Notes;

/// <summary>bUnit for the note editor's presentational components: the app's services (for <c>PracticeTime</c>), nobody signed in (UTC).</summary>
public abstract class NoteComponentTestBase : AppComponentTestBase
{
    /// <summary>A drafted statement.</summary>
    protected static NoteStatement Drafted(string id, string text, EvidenceStrength evidence = EvidenceStrength.Supported, bool uncertain = false, params PassageRef[] citations) =>
        new(id, text, StatementOrigin.Drafted, citations, evidence, uncertain, StatementReview.Pending);

    /// <summary>A statement the clinician wrote.</summary>
    protected static NoteStatement Written(string id, string text) =>
        new(id, text, StatementOrigin.Clinician, [], EvidenceStrength.None, false, StatementReview.Pending);

    /// <summary>The input or textarea of a Mud field, whether the id lands on it or on its wrapper.</summary>
    protected static IElement Field<T>(IRenderedComponent<T> cut, string selector)
        where T : IComponent
    {
        var element = cut.Find(selector);
        return element.TagName is "INPUT" or "TEXTAREA" ? element : element.QuerySelector("textarea, input")!;
    }
}
