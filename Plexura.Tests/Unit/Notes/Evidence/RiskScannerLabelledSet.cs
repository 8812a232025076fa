using Plexura.Core.Notes;
using static Plexura.Core.Notes.RiskCategory;
using static Plexura.Core.Notes.RiskPolarity;

namespace Plexura.Tests.Unit.Notes.Evidence;

/// <summary>What a labelled passage must give: one hit of this category with this polarity.</summary>
public sealed record RiskLabel(RiskCategory Category, RiskPolarity Polarity);

/// <summary>One labelled transcript line: who says it, what, and every hit it must give (none for a clean line).</summary>
/// <param name="Id">Stable name of the row (reported by a failing test).</param>
/// <param name="Speaker">The line's speaker as the transcript names it.</param>
/// <param name="Text">The line.</param>
/// <param name="Expected">Exactly the hits the line must give.</param>
public sealed record LabelledPassage(string Id, string? Speaker, string Text, IReadOnlyList<RiskLabel> Expected);

/// <summary>
/// The labelled set the risk scanner is measured on (issue 12: positives, negations, hypotheticals, third parties and
/// clean lines for all five categories). Written for this purpose, not taken from any session.
/// </summary>
/// <remarks>
/// Decisions it encodes: a clinician's screening question is Hypothetical, a clinician's reflection ("so you've been
/// cutting again") is Endorsed; a client's rhetorical question about themself is Endorsed; hyperbole with a listed phrase
/// ("I'm going to kill myself if I fail this test") is Endorsed for the clinician to correct, idioms without one ("this
/// homework is killing me") and listed idioms ("cutting back", "jumped the gun") give nothing; someone else speaking
/// ("Other") is a third party; abuse of the client by someone else ("my stepdad hits me") is the client's disclosure
/// (Endorsed), abuse between others ("my dad used to beat my mom") is ThirdParty.
/// </remarks>
public static class RiskScannerLabelledSet
{
    private const string Client = "Client";
    private const string Clinician = "Clinician";

    public static readonly IReadOnlyList<LabelledPassage> Rows =
    [
        // --- Suicidal ideation: endorsed
        Row("si-pos-01", Client, "I've been thinking about killing myself a lot this week.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-02", Client, "Sometimes I just want to die.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-03", Client, "I don't want to live anymore.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-04", Client, "Honestly I think everyone would be better off without me.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-05", Client, "I wrote a suicide note last month.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-06", Client, "I've been having suicidal thoughts since the breakup.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-07", Client, "I looked up how to hang myself.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-08", Client, "I took all my pills on Saturday night.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-09", Client, "I overdosed last year and ended up in the hospital.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-10", Client, "There's no reason to live.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-11", Clinician, "Client endorses passive SI without plan or intent.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-12", Client, "No, I think about killing myself every day.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-13", Client, "Not really, but sometimes I wish I was dead.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-14", Client, "I wanna die.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-15", Client, "Nothing will stop me from killing myself.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-16", Client, "No one knows I want to die.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-17", Client, "What's the point, why shouldn't I just kill myself?", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-18", Client, "I've been thinking about death a lot.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-19", Client, "I keep thinking I'd be better off dead.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-20", Client, "I'm going to kill myself if I fail this test.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-21", Client, "He said I should kill myself.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-22", Client, "I gave away my stuff last week.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-23", Client, "I've been thinking I might end my life.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-24", "Speaker A", "I want to kill myself.", L(SuicidalIdeation, Endorsed)),
        Row("si-pos-25", null, "i dont wanna be alive", L(SuicidalIdeation, Endorsed)),

        // --- Suicidal ideation: denied
        Row("si-neg-01", Clinician, "Client denies SI, HI, and SIB.", L(SuicidalIdeation, Denied), L(HomicidalIdeation, Denied), L(SelfHarm, Denied)),
        Row("si-neg-02", Client, "I would never kill myself, my kids need me.", L(SuicidalIdeation, Denied)),
        Row("si-neg-03", Client, "I'm not suicidal.", L(SuicidalIdeation, Denied)),
        Row("si-neg-04", Client, "I don't want to die, I just want the pain to stop.", L(SuicidalIdeation, Denied)),
        Row("si-neg-05", Client, "I've never had thoughts of suicide.", L(SuicidalIdeation, Denied)),
        Row("si-neg-06", Clinician, "SI: denied.", L(SuicidalIdeation, Denied)),
        Row("si-neg-07", Client, "No thoughts of ending my life, no.", L(SuicidalIdeation, Denied)),
        Row("si-neg-08", Client, "I never said I wanted to die.", L(SuicidalIdeation, Denied)),

        // --- Suicidal ideation: hypothetical and screening questions
        Row("si-hyp-01", Clinician, "Have you had any thoughts of killing yourself?", L(SuicidalIdeation, Hypothetical)),
        Row("si-hyp-02", Clinician, "Any thoughts of suicide", L(SuicidalIdeation, Hypothetical)),
        Row("si-hyp-03", Clinician, "Do you ever think about ending your life?", L(SuicidalIdeation, Hypothetical)),
        Row("si-hyp-04", Client, "If I ever felt like killing myself I would call the crisis line.", L(SuicidalIdeation, Hypothetical)),
        Row("si-hyp-05", Clinician, "Suicidal thoughts?", L(SuicidalIdeation, Hypothetical)),

        // --- Suicidal ideation: third party
        Row("si-3p-01", Client, "My brother tried to kill himself last year.", L(SuicidalIdeation, ThirdParty)),
        Row("si-3p-02", Client, "He said he wants to kill himself.", L(SuicidalIdeation, ThirdParty)),
        Row("si-3p-03", Client, "My friend overdosed in March.", L(SuicidalIdeation, ThirdParty)),
        Row("si-3p-04", Client, "Her son is suicidal and she doesn't know what to do.", L(SuicidalIdeation, ThirdParty)),
        Row("si-3p-05", "Other", "I want to die sometimes too.", L(SuicidalIdeation, ThirdParty)),
        Row("si-3p-06", Client, "My uncle killed himself when I was twelve.", L(SuicidalIdeation, ThirdParty)),
        Row("si-3p-07", Client, "My son told me he wants to die.", L(SuicidalIdeation, ThirdParty)),

        // --- Homicidal ideation
        Row("hi-pos-01", Client, "I want to kill him.", L(HomicidalIdeation, Endorsed)),
        Row("hi-pos-02", Client, "Sometimes I have thoughts of killing my stepdad.", L(HomicidalIdeation, Endorsed)),
        Row("hi-pos-03", Clinician, "Client endorses HI toward her ex-husband.", L(HomicidalIdeation, Endorsed)),
        Row("hi-pos-04", Client, "I wish he was dead.", L(HomicidalIdeation, Endorsed)),
        Row("hi-pos-05", Client, "I swear I'm going to murder my boss.", L(HomicidalIdeation, Endorsed)),
        Row("hi-neg-01", Client, "I've never wanted to kill anyone.", L(HomicidalIdeation, Denied)),
        Row("hi-neg-02", Clinician, "Homicidal ideation: denied.", L(HomicidalIdeation, Denied)),
        Row("hi-hyp-01", Clinician, "Have you ever thought about killing someone?", L(HomicidalIdeation, Hypothetical)),
        Row("hi-hyp-02", Clinician, "Any HI?", L(HomicidalIdeation, Hypothetical)),
        Row("hi-3p-01", Client, "My brother wants to kill his boss.", L(HomicidalIdeation, ThirdParty)),
        Row("hi-3p-02", Client, "She keeps saying she wants him dead.", L(HomicidalIdeation, ThirdParty)),

        // --- Self-harm
        Row("sh-pos-01", Client, "I started cutting again last week.", L(SelfHarm, Endorsed)),
        Row("sh-pos-02", Client, "I cut my arms when I get overwhelmed.", L(SelfHarm, Endorsed)),
        Row("sh-pos-03", Client, "I've been hurting myself to cope.", L(SelfHarm, Endorsed)),
        Row("sh-pos-04", Client, "I burn myself with a lighter sometimes.", L(SelfHarm, Endorsed)),
        Row("sh-pos-05", Clinician, "So you've been cutting again.", L(SelfHarm, Endorsed)),
        Row("sh-pos-06", Clinician, "Client reports cutting her arms last week.", L(SelfHarm, Endorsed)),
        Row("sh-pos-07", Client, "I sometimes bang my head against the wall.", L(SelfHarm, Endorsed)),
        Row("sh-pos-08", Client, "I punch myself when I'm angry.", L(SelfHarm, Endorsed)),
        Row("sh-neg-01", Client, "I haven't cut since March.", L(SelfHarm, Denied)),
        Row("sh-neg-02", Client, "I'd never hurt myself.", L(SelfHarm, Denied)),
        Row("sh-neg-03", Client, "I don't think I would ever hurt myself.", L(SelfHarm, Denied)),
        Row("sh-neg-04", Clinician, "Client denies self-harm.", L(SelfHarm, Denied)),
        Row("sh-hyp-01", Clinician, "Any self-harm since we last met?", L(SelfHarm, Hypothetical)),
        Row("sh-hyp-02", Clinician, "Have you been cutting?", L(SelfHarm, Hypothetical)),
        Row("sh-hyp-03", Clinician, "Are you having thoughts of hurting yourself or anyone else?", L(SelfHarm, Hypothetical), L(DangerToOthers, Hypothetical)),
        Row("sh-hyp-04", Clinician, "If you ever feel like hurting yourself, call 988.", L(SelfHarm, Hypothetical)),
        Row("sh-3p-01", Client, "My sister cuts herself and I'm worried.", L(SelfHarm, ThirdParty)),
        Row("sh-3p-02", Client, "My best friend self-harms.", L(SelfHarm, ThirdParty)),

        // --- Abuse or neglect
        Row("ab-pos-01", Client, "My stepdad hits me when he's drunk.", L(AbuseOrNeglect, Endorsed)),
        Row("ab-pos-02", Client, "He touched me when I was little.", L(AbuseOrNeglect, Endorsed)),
        Row("ab-pos-03", Client, "I was sexually abused as a kid.", L(AbuseOrNeglect, Endorsed)),
        Row("ab-pos-04", Client, "My mom neglected us, there was no food in the house.", L(AbuseOrNeglect, Endorsed)),
        Row("ab-pos-05", Client, "I'm afraid to go home.", L(AbuseOrNeglect, Endorsed)),
        Row("ab-pos-06", Client, "My husband choked me last night.", L(AbuseOrNeglect, Endorsed)),
        Row("ab-pos-07", Client, "My girlfriend hits me when she gets angry.", L(AbuseOrNeglect, Endorsed)),
        Row("ab-pos-08", Client, "My boyfriend forced me to have sex.", L(AbuseOrNeglect, Endorsed)),
        Row("ab-pos-09", Client, "I don't feel safe at home.", L(AbuseOrNeglect, Endorsed)),
        Row("ab-neg-01", Client, "He has never hit me.", L(AbuseOrNeglect, Denied)),
        Row("ab-neg-02", Client, "I've never been abused.", L(AbuseOrNeglect, Denied)),
        Row("ab-hyp-01", Clinician, "Has anyone ever touched you in a way that made you uncomfortable?", L(AbuseOrNeglect, Hypothetical)),
        Row("ab-hyp-02", Clinician, "Do you ever feel afraid to go home?", L(AbuseOrNeglect, Hypothetical)),
        Row("ab-3p-01", Client, "My dad used to beat my mom.", L(AbuseOrNeglect, ThirdParty)),
        Row("ab-3p-02", Client, "My neighbor's kids are left alone for days.", L(AbuseOrNeglect, ThirdParty)),
        Row("ab-3p-03", Client, "The kids have nothing to eat in the house most days.", L(AbuseOrNeglect, ThirdParty)),

        // --- Danger to others
        Row("dg-pos-01", Client, "I keep a gun in my nightstand.", L(DangerToOthers, Endorsed)),
        Row("dg-pos-02", Client, "I threatened to shoot up the school.", L(DangerToOthers, Endorsed)),
        Row("dg-pos-03", Client, "I'm going to beat him up when I see him.", L(DangerToOthers, Endorsed)),
        Row("dg-pos-04", Client, "I pulled a knife on my roommate.", L(DangerToOthers, Endorsed)),
        Row("dg-pos-05", Client, "My dad threatened to hurt me.", L(DangerToOthers, Endorsed)),
        Row("dg-pos-06", Client, "I have a rifle in the truck and I think about using it on him.", L(DangerToOthers, Endorsed)),
        Row("dg-pos-07", Client, "Sometimes I get violent urges at work.", L(DangerToOthers, Endorsed)),
        Row("dg-pos-08", Client, "I feel like shaking the baby when he won't stop crying.", L(DangerToOthers, Endorsed)),
        Row("dg-neg-01", Client, "I don't own any guns.", L(DangerToOthers, Denied)),
        Row("dg-neg-02", Client, "I'd never hurt him, I love him.", L(DangerToOthers, Denied)),
        Row("dg-neg-03", Client, "I'm not going to hurt anyone.", L(DangerToOthers, Denied)),
        Row("dg-hyp-01", Clinician, "Are there any firearms in the home?", L(DangerToOthers, Hypothetical)),
        Row("dg-hyp-02", Clinician, "Do you have access to weapons?", L(DangerToOthers, Hypothetical)),
        Row("dg-hyp-03", Clinician, "Do you have any thoughts of hurting someone else?", L(DangerToOthers, Hypothetical)),
        Row("dg-3p-01", Client, "She said she would never hurt the baby.", L(DangerToOthers, ThirdParty)),
        Row("dg-3p-02", Client, "My brother keeps a gun under his bed.", L(DangerToOthers, ThirdParty)),

        // --- Clean: idioms, other senses and ordinary talk (must give nothing)
        Row("clean-01", Client, "Hi, sorry I'm late."),
        Row("clean-02", Client, "This homework is killing me."),
        Row("clean-03", Client, "I'm dying to see that movie."),
        Row("clean-04", Client, "I killed it at my presentation."),
        Row("clean-05", Client, "My mom is going to kill me if I'm late."),
        Row("clean-06", Client, "I want to die of embarrassment."),
        Row("clean-07", Client, "I'm dead tired after the night shift."),
        Row("clean-08", Client, "The suicide prevention training at work was good."),
        Row("clean-09", Client, "I went to the end of life seminar for my grandmother."),
        Row("clean-10", Client, "I shot myself in the foot with that email."),
        Row("clean-11", Client, "We watched a murder mystery."),
        Row("clean-12", Client, "I'm cutting back on coffee."),
        Row("clean-13", Client, "I hurt myself at the gym lifting."),
        Row("clean-14", Client, "That really touched me."),
        Row("clean-15", Client, "It just hit me that I'm getting older."),
        Row("clean-16", Client, "He's in treatment for substance abuse."),
        Row("clean-17", Client, "I've been neglecting my homework."),
        Row("clean-18", Client, "He beat me at chess again."),
        Row("clean-19", Client, "He jumped the gun on the announcement."),
        Row("clean-20", Client, "I got a new glue gun for crafts."),
        Row("clean-21", Client, "She threatened to leave me."),
        Row("clean-22", Client, "I don't want to hurt her feelings."),
        Row("clean-23", Client, "I'm not sure I'm sleeping enough."),
        Row("clean-24", Client, "No, I don't drink anymore."),
        Row("clean-25", Client, "I can't stop crying at night."),
        Row("clean-26", Client, "We talked about my sleep and my appetite."),
        Row("clean-27", Clinician, "Let's review your safety plan and the coping skills that helped."),
        Row("clean-28", Client, "My boss cut my hours again."),
    ];

    private static RiskLabel L(RiskCategory category, RiskPolarity polarity) => new(category, polarity);

    private static LabelledPassage Row(string id, string? speaker, string text, params RiskLabel[] expected) => new(id, speaker, text, expected);
}
