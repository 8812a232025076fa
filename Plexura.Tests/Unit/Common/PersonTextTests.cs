using Plexura.Core.Common;

namespace Plexura.Tests.Unit.Common;

/// <summary>The one input rule for person-entered text shown to others.</summary>
public sealed class PersonTextTests
{
    [Theory]
    [InlineData("Dana\u202EReyes")] // right-to-left override
    [InlineData("Dana\u200BReyes")] // zero-width space
    [InlineData("\uFEFFDana Reyes")] // byte-order mark / zero-width no-break space
    [InlineData("Dana\u200DReyes")] // zero-width joiner
    [InlineData("Dana\u2066Reyes")] // left-to-right isolate
    [InlineData("Dana\u00ADReyes")] // soft hyphen
    [InlineData("Dana\u0000Reyes")] // NUL
    [InlineData("Dana\u0007Reyes")] // BEL
    [InlineData("Dana\u001BReyes")] // ESC
    [InlineData("Dana\u0085Reyes")] // NEL (C1)
    [InlineData("Dana\u2028Reyes")] // line separator
    [InlineData("Dana\U000E0041Reyes")] // tag character
    [InlineData("\u0000")]
    public void Optional_InvisibleOrControlCharacter_IsRefusedNamingTheField(string value)
    {
        var ex = Assert.Throws<ValidationFailedException>(() => PersonText.Optional(value, "The client's name", 200));

        Assert.Equal("The client's name contains invisible or control characters, which are not allowed.", ex.Message);
    }

    [Fact]
    public void Optional_LoneSurrogate_IsRefused()
    {
        var value = "Dana" + (char)0xD800 + "Reyes"; // built at run time: attribute data cannot hold a lone surrogate

        Assert.Throws<ValidationFailedException>(() => PersonText.Optional(value, "The client's name", 200));
    }

    [Theory]
    [InlineData("Nguye\u0302\u0303n", "Nguy\u1EC5n")]
    [InlineData("lu\u0308\u0301", "l\u01D8")]
    [InlineData("\u0418\u0306\u0433\u043E\u0440\u044C", "\u0419\u0433\u043E\u0440\u044C")]
    [InlineData("\u03B1\u0301", "\u03AC")]
    public void Optional_DecomposedLettersWithSeveralMarksOrOtherScripts_AreComposed(string decomposed, string composed) =>
        Assert.Equal(composed, PersonText.Optional(decomposed, "The name", 200));

    [Fact]
    public void Optional_LineBreaksAndTabs_AreRefusedInOneLineAndAcceptedInMultiline()
    {
        Assert.Throws<ValidationFailedException>(() => PersonText.Optional("Dana\nReyes", "The name", 200));
        Assert.Equal("Line one\r\n\tLine two", PersonText.Optional(" Line one\r\n\tLine two ", "The notes", 200, multiline: true));
        Assert.Throws<ValidationFailedException>(() => PersonText.Optional("Line\u0000two", "The notes", 200, multiline: true));
    }

    [Fact]
    public void Optional_DecomposedText_IsStoredAsNfc()
    {
        var decomposed = "Rene\u0301e Zoe\u0308";

        Assert.Equal("Ren\u00E9e Zo\u00EB", PersonText.Optional(decomposed, "The client's name", 200));
    }

    [Theory]
    [InlineData("Ngozi Ọkọnkwọ")]
    [InlineData("김민준")]
    [InlineData("محمد علي")]
    [InlineData("O'Brien-Smith Jr.")]
    [InlineData("Zoë 👩🏽‍⚕️")]
    public void Optional_OrdinaryNamesInAnyScript_AreAccepted(string name)
    {
        // The emoji's zero-width joiner is a format character: refused, like any other invisible character.
        if (name.Contains('\u200D', StringComparison.Ordinal))
        {
            Assert.Throws<ValidationFailedException>(() => PersonText.Optional(name, "The name", 200));
            return;
        }

        Assert.Equal(name.Normalize(), PersonText.Optional(name, "The name", 200));
    }

    [Fact]
    public void Optional_BlankOrTooLong_IsNullOrRefused()
    {
        Assert.Null(PersonText.Optional("   ", "The notes", 10));
        Assert.Null(PersonText.Optional(null, "The notes", 10));
        Assert.Contains("at most 10", Assert.Throws<ValidationFailedException>(() => PersonText.Optional(new string('x', 11), "The notes", 10)).Message, StringComparison.Ordinal);
    }
}
