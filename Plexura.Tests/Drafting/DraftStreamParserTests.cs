using Plexura.Core.Notes;
using Plexura.Core.Notes.Drafting;
using Plexura.Infrastructure.Drafting;

namespace Plexura.Tests.Drafting;

/// <summary>The incremental parser of the model's streamed JSON: the same draft however the text is split, partial statements while streaming, clear codes for bad output.</summary>
public sealed class DraftStreamParserTests
{
    private static readonly string[] Expected =
    [
        "subjective: Client reported sleeping badly since moving to Quillfield. [0.1]",
        "subjective: Client said the breathing exercise \"helped a little\". [1.0] ?",
        "plan: Sleep diary continues until next Tuesday. [1.1]",
    ];

    [Fact]
    public void A_whole_draft_parses_into_sections_in_template_order()
    {
        var parser = Parser();
        parser.Append(DraftSamples.GoodJson);

        var draft = parser.Complete();
        Assert.Equal(Expected, DraftSamples.Texts(draft));
        Assert.Equal(["subjective", "objective", "plan"], draft.Sections.Select(s => s.Key));
        Assert.Equal(DraftSamples.Model, draft.Model);
        Assert.Equal([new PassageRef(0, 1)], draft.Sections[0].Statements[0].Citations);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(17)]
    [InlineData(64)]
    public void Any_fixed_chunk_size_gives_the_same_draft(int size)
    {
        var parser = Parser();
        for (var i = 0; i < DraftSamples.GoodJson.Length; i += size)
        {
            parser.Append(DraftSamples.GoodJson.AsSpan(i, Math.Min(size, DraftSamples.GoodJson.Length - i)));
            _ = parser.Snapshot();
        }

        Assert.Equal(Expected, DraftSamples.Texts(parser.Complete()));
    }

    [Fact]
    public void Random_splits_give_the_same_draft_and_snapshots_only_grow()
    {
        var json = DraftSamples.GoodJson.Replace("Quillfield", "Quillfield \\u00e9\\n\\\"x\\\" caf\\u00E9", StringComparison.Ordinal);
        var random = new Random(1234);
        string[]? first = null;
        for (var run = 0; run < 200; run++)
        {
            var parser = Parser();
            var previous = string.Empty;
            for (var i = 0; i < json.Length;)
            {
                var size = random.Next(1, 12);
                parser.Append(json.AsSpan(i, Math.Min(size, json.Length - i)));
                i += size;

                // Everything shown so far stays shown: the text only grows (a trailing space may be trimmed until the next word).
                var now = string.Join('|', parser.Snapshot().Sections.SelectMany(s => s.Statements.Select(st => st.Text)));
                Assert.StartsWith(previous.TrimEnd(), now, StringComparison.Ordinal);
                previous = now;
            }

            var texts = DraftSamples.Texts(parser.Complete()).ToArray();
            first ??= texts;
            Assert.Equal(first, texts);
        }

        Assert.Contains("Quillfield é\n\"x\" café", first![0], StringComparison.Ordinal);
    }

    [Fact]
    public void While_streaming_complete_statements_show_and_the_last_one_is_partial()
    {
        var parser = Parser();
        var cut = DraftSamples.GoodJson.IndexOf("breathing", StringComparison.Ordinal);
        parser.Append(DraftSamples.GoodJson.AsSpan(0, cut + "breath".Length));

        var snapshot = parser.Snapshot();
        var subjective = Assert.Single(snapshot.Sections);
        Assert.Equal(2, subjective.Statements.Count);
        Assert.Equal("Client reported sleeping badly since moving to Quillfield.", subjective.Statements[0].Text);
        Assert.Equal("Client said the breath", subjective.Statements[1].Text);
        Assert.Empty(subjective.Statements[1].Citations);
        Assert.False(parser.IsDocumentComplete);
        Assert.Equal(NoteDraftingFailedException.MalformedOutput, Assert.Throws<DraftOutputException>(() => parser.Complete()).Code);
    }

    [Fact]
    public void Nothing_shows_before_a_section_key_is_known()
    {
        var parser = Parser();
        parser.Append("""{"sections":[{"key":"subj""");
        Assert.Empty(parser.Snapshot().Sections);
        parser.Append("""ective","statements":[{"te""");
        Assert.Equal("subjective", Assert.Single(parser.Snapshot().Sections).Key);
        Assert.Empty(parser.Snapshot().Sections[0].Statements);
    }

    [Fact]
    public void Unknown_section_keys_and_extra_fields_are_dropped_and_repeated_keys_merged()
    {
        var parser = Parser();
        parser.Append(
            """
            {"extra":{"nested":[1,2.5e3,{"a":null}],"b":true},
             "sections":[
              {"key":"plan","statements":[{"text":"First plan item.","citations":["1.1"],"uncertain":false}]},
              {"key":"diagnosis","statements":[{"text":"Invented section.","citations":["0.1"],"uncertain":false}]},
              {"key":"subjective","statements":[{"text":"Reported poor sleep.","citations":["0.1","0.1","bad","2"],"uncertain":false}],"weight":3},
              {"key":"plan","statements":[{"text":"Second plan item.","citations":[],"uncertain":false},{"text":"  ","citations":[],"uncertain":false}]}
            ]}
            """);

        var draft = parser.Complete();
        Assert.Equal(
            ["subjective: Reported poor sleep. [0.1]", "plan: First plan item. [1.1]", "plan: Second plan item. []"],
            DraftSamples.Texts(draft));
    }

    [Theory]
    [InlineData("""{"sections":[}""")]
    [InlineData("""{"sections" []}""")]
    [InlineData("""{"sections":[{"key":"plan","statements":[{"text":"a\q","citations":[],"uncertain":false}]}]}""")]
    [InlineData("""{"sections":[{"key":"plan","statements":[{"text":"a","citations":[],"uncertain":maybe}]}]}""")]
    [InlineData("""{"sections":[]} trailing""")]
    [InlineData("""{"sections":[],}""")]
    [InlineData("Sure! Here is the note: {\"sections\":[]}")]
    [InlineData("{\"sections\":[{\"key\":\"plan\",\"statements\":[{\"text\":\"line\nbreak\"")]
    public void Invalid_json_is_malformed_output(string output) =>
        Assert.Equal(NoteDraftingFailedException.MalformedOutput, Assert.Throws<DraftOutputException>(() =>
        {
            var parser = Parser();
            parser.Append(output);
            parser.Complete();
        }).Code);

    [Theory]
    [InlineData("""["sections"]""")]
    [InlineData("""{"notes":[]}""")]
    [InlineData("""{"sections":{"key":"plan"}}""")]
    [InlineData("""{"sections":[{"key":"plan"}]}""")]
    [InlineData("""{"sections":[{"statements":[]}]}""")]
    [InlineData("""{"sections":[{"key":7,"statements":[]}]}""")]
    [InlineData("""{"sections":[{"key":"plan","statements":[{"text":["a"],"citations":[],"uncertain":false}]}]}""")]
    [InlineData("""{"sections":[{"key":"plan","statements":[{"text":"a","citations":"0.1","uncertain":false}]}]}""")]
    [InlineData("""{"sections":[{"key":"plan","statements":[{"text":"a","citations":[],"uncertain":"yes"}]}]}""")]
    [InlineData("""{"sections":[{"key":"plan","statements":[{"text":"a","citations":[],"uncertain":null}]}]}""")]
    [InlineData("""{"sections":[{"key":"plan","statements":[{"text":"a","citations":[]}]}]}""")]
    [InlineData("""{"sections":[{"key":"plan","statements":["a"]}]}""")]
    public void Json_off_the_schema_is_a_schema_violation(string output) =>
        Assert.Equal(NoteDraftingFailedException.SchemaViolation, Assert.Throws<DraftOutputException>(() =>
        {
            var parser = Parser();
            parser.Append(output);
            parser.Complete();
        }).Code);

    [Fact]
    public void A_statement_over_the_note_limit_is_output_too_long()
    {
        var parser = Parser();
        parser.Append("""{"sections":[{"key":"plan","statements":[{"text":" """);
        var failure = Assert.Throws<DraftOutputException>(() => parser.Append(new string('a', DraftStreamParser.MaxStatementLength + 1)));
        Assert.Equal(NoteDraftingFailedException.OutputTooLong, failure.Code);
    }

    [Fact]
    public void Too_many_statements_in_a_section_is_output_too_long()
    {
        var parser = Parser();
        parser.Append("""{"sections":[{"key":"plan","statements":[""");
        var statement = """{"text":"a","citations":[],"uncertain":false}""";
        parser.Append(string.Join(',', Enumerable.Repeat(statement, DraftStreamParser.MaxStatementsPerSection)));
        var failure = Assert.Throws<DraftOutputException>(() => parser.Append("," + statement));
        Assert.Equal(NoteDraftingFailedException.OutputTooLong, failure.Code);
    }

    [Fact]
    public void An_endless_output_is_cut_at_the_note_size()
    {
        var parser = Parser();
        parser.Append("""{"ignored":" """);
        var failure = Assert.Throws<DraftOutputException>(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                parser.Append(new string('x', 8 * 1024));
            }
        });
        Assert.Equal(NoteDraftingFailedException.OutputTooLong, failure.Code);
    }

    private static DraftStreamParser Parser() => new(DraftSamples.Keys, DraftSamples.Model);
}
