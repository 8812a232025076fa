using System.Globalization;
using Plexura.Core.Notes;
using Plexura.Core.Notes.Evidence;
using Xunit.Abstractions;

namespace Plexura.Tests.Unit.Notes.Evidence;

/// <summary>The risk scanner on <see cref="RiskScannerLabelledSet"/>: every row asserted by name, and precision and recall per category reported.</summary>
public sealed class RiskScannerLabelledSetTests(ITestOutputHelper output)
{
    private static readonly PhraseListRiskScanner Scanner = new();

    public static TheoryData<string> RowIds()
    {
        var data = new TheoryData<string>();
        foreach (var row in RiskScannerLabelledSet.Rows)
        {
            data.Add(row.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RowIds))]
    public void Scan_LabelledRow_GivesExactlyTheLabelledHits(string id)
    {
        var row = RiskScannerLabelledSet.Rows.Single(r => r.Id == id);

        var hits = ScanRow(row);

        var actual = hits.Select(h => new RiskLabel(h.Category, h.Polarity)).OrderBy(l => l.Category).ToList();
        var expected = row.Expected.OrderBy(l => l.Category).ToList();
        Assert.True(
            expected.SequenceEqual(actual),
            $"{row.Id} \"{row.Text}\": expected [{string.Join(", ", expected)}], got [{string.Join(", ", hits.Select(Describe(row)))}]");
        Assert.All(hits, h => Assert.InRange(h.Start + h.Length, 1, row.Text.Length));
    }

    [Fact]
    public void LabelledSet_CoversEveryCategoryWithEveryPolarity_AndCleanLines()
    {
        var rows = RiskScannerLabelledSet.Rows;
        Assert.True(rows.Count >= 80, $"the labelled set has {rows.Count} rows");
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
        foreach (var category in Enum.GetValues<RiskCategory>())
        {
            foreach (var polarity in Enum.GetValues<RiskPolarity>())
            {
                Assert.True(rows.Any(r => r.Expected.Contains(new RiskLabel(category, polarity))), $"no row labelled {category} {polarity}");
            }
        }

        Assert.True(rows.Count(r => r.Expected.Count == 0) >= 20);
    }

    [Fact]
    public void LabelledSet_PrecisionAndRecallPerCategory_AreReported()
    {
        // Per (row, category): a hit expected or not, found or not (any polarity); the polarity is scored separately.
        var counts = Enum.GetValues<RiskCategory>().ToDictionary(c => c, _ => new int[4]); // tp, fp, fn, polarity right
        foreach (var row in RiskScannerLabelledSet.Rows)
        {
            var hits = ScanRow(row);
            foreach (var category in Enum.GetValues<RiskCategory>())
            {
                var expected = row.Expected.FirstOrDefault(l => l.Category == category);
                var found = hits.FirstOrDefault(h => h.Category == category);
                var c = counts[category];
                if (expected is not null && found is not null)
                {
                    c[0]++;
                    c[3] += expected.Polarity == found.Polarity ? 1 : 0;
                }
                else if (found is not null)
                {
                    c[1]++;
                }
                else if (expected is not null)
                {
                    c[2]++;
                }
            }
        }

        output.WriteLine($"{RiskScannerLabelledSet.Rows.Count} labelled lines; list: {Scanner.PhraseCount} phrases, {Scanner.ExclusionCount} exclusions");
        output.WriteLine("category              precision  recall  polarity-correct");
        foreach (var (category, c) in counts)
        {
            var precision = c[0] + c[1] == 0 ? 1 : (double)c[0] / (c[0] + c[1]);
            var recall = c[0] + c[2] == 0 ? 1 : (double)c[0] / (c[0] + c[2]);
            var polarity = c[0] == 0 ? 1 : (double)c[3] / c[0];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{category,-20}  {precision,9:P0}  {recall,6:P0}  {polarity,16:P0}  (tp {c[0]}, fp {c[1]}, fn {c[2]})"));
            Assert.True(recall >= 0.95, $"{category}: recall {recall:P0}");
            Assert.True(precision >= 0.9, $"{category}: precision {precision:P0}");
        }
    }

    private static IReadOnlyList<RiskHit> ScanRow(LabelledPassage row) =>
        Scanner.Scan([new TranscriptPassage(new PassageRef(1, 0), TimeSpan.Zero, row.Speaker, row.Text)]);

    private static Func<RiskHit, string> Describe(LabelledPassage row) =>
        h => $"{h.Category} {h.Polarity} on '{row.Text.Substring(h.Start, h.Length)}' ({h.Phrase})";
}
