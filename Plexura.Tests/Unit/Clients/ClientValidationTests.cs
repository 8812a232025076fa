using Plexura.Core.Clients;
using Plexura.Core.Common;

namespace Plexura.Tests.Unit.Clients;

/// <summary>The rules for a client's details, one by one; messages never echo the value.</summary>
public sealed class ClientValidationTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private static readonly ClientDetails Valid = new("Dana Reyes", new DateOnly(1990, 4, 2), "she/her", "EHR-123/4");

    [Fact]
    public void Validate_ValidDetails_ReturnsThemTrimmed()
    {
        var result = ClientValidation.Validate(Valid with { Name = "  Dana Reyes ", Pronouns = " she/her ", ExternalRecordNumber = " EHR-123/4 " }, Today);

        Assert.Equal(Valid, result);
    }

    [Fact]
    public void Validate_BlankOptionalFields_BecomeNull()
    {
        var result = ClientValidation.Validate(Valid with { Pronouns = "  ", ExternalRecordNumber = "" }, Today);

        Assert.Null(result.Pronouns);
        Assert.Null(result.ExternalRecordNumber);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_EmptyName_Throws(string name) =>
        AssertRefused(Valid with { Name = name }, "Enter the client's name.");

    [Fact]
    public void Validate_NameOf200Characters_IsAccepted() =>
        Assert.Equal(200, ClientValidation.Validate(Valid with { Name = new string('a', 200) }, Today).Name.Length);

    [Fact]
    public void Validate_NameOver200Characters_ThrowsWithoutEchoingIt() =>
        AssertRefused(Valid with { Name = "Secretname" + new string('x', 191) }, "at most 200");

    [Theory]
    [InlineData("Dana\nReyes")]
    [InlineData("Dana\u0000Reyes")]
    [InlineData("Dana\u007fReyes")]
    public void Validate_NameWithControlCharacter_Throws(string name) =>
        AssertRefused(Valid with { Name = name }, "not allowed");

    [Fact]
    public void Validate_BirthToday_IsAccepted() =>
        Assert.Equal(Today, ClientValidation.Validate(Valid with { DateOfBirth = Today }, Today).DateOfBirth);

    [Fact]
    public void Validate_BirthInTheFuture_Throws() =>
        AssertRefused(Valid with { DateOfBirth = Today.AddDays(1) }, "future");

    [Fact]
    public void Validate_BirthBefore1900_Throws() =>
        AssertRefused(Valid with { DateOfBirth = new DateOnly(1899, 12, 31) }, "1900");

    [Fact]
    public void Validate_BirthOnFirstDayOf1900_IsAccepted() =>
        Assert.Equal(new DateOnly(1900, 1, 1), ClientValidation.Validate(Valid with { DateOfBirth = new DateOnly(1900, 1, 1) }, Today).DateOfBirth);

    [Fact]
    public void Validate_PronounsOver40Characters_Throws() =>
        AssertRefused(Valid with { Pronouns = "Secretname" + new string('p', 31) }, "Pronouns");

    [Theory]
    [InlineData("AB 12")]
    [InlineData("AB#12")]
    [InlineData("ÄB12")]
    public void Validate_ExternalNumberWithOtherCharacters_Throws(string number) =>
        AssertRefused(Valid with { ExternalRecordNumber = number }, "external record number");

    [Fact]
    public void Validate_ExternalNumberOver64Characters_Throws() =>
        AssertRefused(Valid with { ExternalRecordNumber = new string('9', 65) }, "at most 64");

    [Fact]
    public void Validate_ExternalNumberWithAllowedPunctuation_IsAccepted() =>
        Assert.Equal("a-b_c.d/9", ClientValidation.Validate(Valid with { ExternalRecordNumber = "a-b_c.d/9" }, Today).ExternalRecordNumber);

    [Theory]
    [InlineData("Dana\u202EsereyR")]
    [InlineData("Dana\u200BReyes")]
    [InlineData("\uFEFFDana Reyes")]
    public void Validate_NameWithInvisibleCharacter_ThrowsNamingTheField(string name) =>
        AssertRefused(Valid with { Name = name }, "The client's name contains invisible or control characters");

    [Fact]
    public void Validate_PronounsWithZeroWidthSpace_Throws() =>
        AssertRefused(Valid with { Pronouns = "she/\u200Bher" }, "Pronouns contains invisible");

    [Fact]
    public void Validate_DecomposedName_IsStoredInNfc() =>
        Assert.Equal("Ren\u00E9e Reyes", ClientValidation.Validate(Valid with { Name = "Rene\u0301e Reyes" }, Today).Name);

    [Fact]
    public void ToString_ClientDetails_HidesEveryValue()
    {
        var text = Valid.ToString();

        Assert.DoesNotContain("Dana", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1990", text, StringComparison.Ordinal);
        Assert.DoesNotContain("EHR", text, StringComparison.Ordinal);
    }

    private static void AssertRefused(ClientDetails details, string expectedPart)
    {
        var ex = Assert.Throws<ValidationFailedException>(() => ClientValidation.Validate(details, Today));
        Assert.Contains(expectedPart, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Secretname", ex.Message, StringComparison.Ordinal);
        if (details.Name.Trim().Length > 3)
        {
            Assert.DoesNotContain(details.Name.Trim(), ex.Message, StringComparison.Ordinal);
        }
    }
}
