using Plexura.Core.Clients;

namespace Plexura.Tests.Unit.Clients;

/// <summary>How names become index terms and queries become lookups.</summary>
public sealed class ClientSearchTextTests
{
    [Fact]
    public void Words_CaseAndDiacritics_AreFolded() =>
        Assert.Equal(["jose", "nunez", "bjork"], ClientSearchText.Words("José NÚÑEZ Björk"));

    [Fact]
    public void Words_LettersFoldedToTwo_AndCombiningMarks_AreFolded() =>
        Assert.Equal(["strasse", "aeon", "zoe", "lukasz"], ClientSearchText.Words("Straße Æon Zoe\u0308 Łukasz"));

    [Fact]
    public void Words_ApostrophesJoin_OtherPunctuationSplits() =>
        Assert.Equal(["obrien", "reyes", "ortiz", "jr"], ClientSearchText.Words("O'Brien  Reyes-Ortiz, Jr."));

    [Fact]
    public void IndexTerms_TwoWords_AreEveryPrefixFromTwoLetters() =>
        Assert.Equal(["da", "dan", "dana", "re", "rey", "reye", "reyes"], ClientSearchText.IndexTerms("Dana Reyes"));

    [Fact]
    public void IndexTerms_RepeatedPrefixes_AreListedOnce() =>
        Assert.Equal(["an", "ann", "anna"], ClientSearchText.IndexTerms("Ann Anna"));

    [Fact]
    public void IndexTerms_OneLetterWord_IsNotIndexed() =>
        Assert.Equal(["le", "lee"], ClientSearchText.IndexTerms("J Lee"));

    [Fact]
    public void IndexTerms_VeryLongWord_StopsAt32Characters() =>
        Assert.Equal(ClientSearchText.MaxWordLength - 1, ClientSearchText.IndexTerms(new string('a', 100)).Count);

    [Fact]
    public void QueryTerms_ShortWordsAndRepeats_AreDropped() =>
        Assert.Equal(["da", "reyes"], ClientSearchText.QueryTerms("d DA Reyes da"));

    [Fact]
    public void QueryTerms_EveryQueryTerm_IsAnIndexTermOfTheMatchingName()
    {
        var indexed = ClientSearchText.IndexTerms("Dana Reyes-Ortíz");

        Assert.All(ClientSearchText.QueryTerms("reyes ORT dan"), term => Assert.Contains(term, indexed));
    }
}
