using Plexura.Core.Identity;
using Plexura.Infrastructure.Identity;

namespace Plexura.Tests.Unit.Identity;

public sealed class PasswordPolicyTests
{
    /// <summary>Twelve characters, all four classes, no run, not listed.</summary>
    private const string Strong = "Tr0ub4dor&Zk";

    private readonly PasswordPolicy _policy = new(new FakeBreachedList("tr0ub4dor&zq", "sunflowergarden"));

    [Fact]
    public void Check_StrongPassword_IsValid()
    {
        var result = _policy.Check(Strong, "dana.reyes@example.com", "Dana Reyes");

        Assert.True(result.IsValid);
        Assert.Null(result.Message);
    }

    [Fact]
    public void Check_ElevenCharacters_FailsTooShortOnly()
    {
        var result = _policy.Check("Tr0ub4dor&Z");

        Assert.Equal([PasswordRule.TooShort], result.Failures.Select(f => f.Rule));
        Assert.Equal("Use at least 12 characters.", result.Message);
    }

    [Fact]
    public void Check_ExactlyTwelveCharacters_PassesLength()
    {
        Assert.Equal(12, Strong.Length);
        Assert.False(_policy.Check(Strong).Breaks(PasswordRule.TooShort));
    }

    [Fact]
    public void Check_ExactlyMaxLength_PassesAndOneMoreFailsTooLong()
    {
        var max = string.Concat(Enumerable.Repeat(Strong, 11))[..PasswordPolicy.MaxLength];

        Assert.True(_policy.Check(max).IsValid);
        Assert.Equal([PasswordRule.TooLong], _policy.Check(max + "k").Failures.Select(f => f.Rule));
    }

    [Fact]
    public void Check_ElevenCodePointsInThirteenUtf16Units_FailsTooShort()
    {
        var password = "\U0001F600\U0001F600Ab3xyQ9!k";
        Assert.Equal(13, password.Length);

        Assert.True(_policy.Check(password).Breaks(PasswordRule.TooShort));
    }

    [Theory]
    [InlineData("Äpfelbäume1!")]
    [InlineData("ÉCOLEécole9#")]
    [InlineData("Ωμέγα-Δέλτα7")]
    public void Check_UnicodeLettersWithThreeClasses_IsValid(string password)
    {
        Assert.True(_policy.Check(password).IsValid, string.Join(", ", _policy.Check(password).Failures));
    }

    [Fact]
    public void Check_UnicodeLettersOfOnlyTwoClasses_FailsClasses()
    {
        Assert.Equal([PasswordRule.TooFewCharacterClasses], _policy.Check("ÄÖÜäöüßÆØÅæø").Failures.Select(f => f.Rule));
    }

    [Theory]
    [InlineData("Tr0ub4dorZkq")] // lower, upper, digit
    [InlineData("Troub&dorZk!")] // lower, upper, symbol
    [InlineData("tr0ub4dor&zk")] // lower, digit, symbol
    [InlineData("TR0UB4DOR&ZK")] // upper, digit, symbol
    public void Check_ExactlyThreeClasses_IsValid(string password)
    {
        Assert.True(_policy.Check(password).IsValid);
    }

    [Theory]
    [InlineData("troubadorzkq")] // lower
    [InlineData("Troubadorzkq")] // lower, upper
    [InlineData("troub4dorzkq")] // lower, digit
    [InlineData("trou&ador!kq")] // lower, symbol
    [InlineData("907315824639")] // digit
    public void Check_FewerThanThreeClasses_FailsClassesOnly(string password)
    {
        Assert.Equal([PasswordRule.TooFewCharacterClasses], _policy.Check(password).Failures.Select(f => f.Rule));
    }

    [Fact]
    public void Check_ListedPasswordInAnotherCase_FailsBreached()
    {
        Assert.Equal([PasswordRule.Breached], _policy.Check("TR0UB4DOR&Zq").Failures.Select(f => f.Rule));
    }

    [Theory]
    [InlineData("SunflowerGarden75!")]
    [InlineData("sunflowerGARDEN#0")]
    public void Check_ListedWordWithTrailingDigitsAndSymbols_FailsBreached(string password)
    {
        Assert.Equal([PasswordRule.Breached], _policy.Check(password).Failures.Select(f => f.Rule));
    }

    [Fact]
    public void Check_ListedWordWithLeadingDigits_IsNotStrippedAndPasses()
    {
        Assert.True(_policy.Check("75!SunflowerGarden").IsValid);
    }

    [Theory]
    [InlineData("Password123!")]
    [InlineData("Qwerty123!")]
    [InlineData("Iloveyou2024!")]
    public void Check_CommonPasswordAgainstTheRealList_FailsBreached(string password)
    {
        var policy = new PasswordPolicy(new BreachedPasswordList());

        Assert.True(policy.Check(password).Breaks(PasswordRule.Breached));
    }

    [Theory]
    [InlineData("abcd")]
    [InlineData("AbCd")]
    [InlineData("wxyz")]
    [InlineData("dcba")]
    [InlineData("1234")]
    [InlineData("4321")]
    [InlineData("6789")]
    [InlineData("7890")]
    [InlineData("qwer")]
    [InlineData("rewq")]
    [InlineData("asdf")]
    [InlineData("lkjh")]
    [InlineData("zxcv")]
    [InlineData("vcxz")]
    [InlineData("abcdefg")]
    public void Check_RunOfFourInSequence_FailsSequence(string run)
    {
        var result = _policy.Check($"Zq9!{run}Mx7#");

        Assert.Equal([PasswordRule.Sequence], result.Failures.Select(f => f.Rule));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("321")]
    [InlineData("qwe")]
    [InlineData("zxc")]
    [InlineData("abce")]
    [InlineData("1235")]
    public void Check_RunOfThreeOrBrokenRun_IsAllowed(string run)
    {
        var result = _policy.Check($"Zq9!{run}Mx7#k");

        Assert.True(result.IsValid, string.Join(", ", result.Failures));
    }

    [Theory]
    [InlineData("aaaa")]
    [InlineData("aAaA")]
    [InlineData("!!!!")]
    [InlineData("00000")]
    public void Check_SameCharacterFourTimes_FailsRepeated(string run)
    {
        Assert.Equal([PasswordRule.Repeated], _policy.Check($"Zq9!{run}Mx7#").Failures.Select(f => f.Rule));
    }

    [Fact]
    public void Check_SameCharacterThreeTimes_IsAllowed()
    {
        Assert.True(_policy.Check("Zq9!aaaMx7#k").IsValid);
    }

    [Theory]
    [InlineData("Zq9!DANA.REYESMx7#")] // whole email name
    [InlineData("Zq9!danaMx7#kp")] // display-name and email part
    [InlineData("Zq9!ReyesMx7#k")]
    public void Check_ContainsEmailNameOrDisplayNamePart_FailsPersonalInfo(string password)
    {
        var result = _policy.Check(password, "dana.reyes@example.com", "Dana Reyes");

        Assert.Equal([PasswordRule.ContainsPersonalInfo], result.Failures.Select(f => f.Rule));
    }

    [Fact]
    public void Check_EmailNameOfThreeCharacters_FailsPersonalInfo()
    {
        Assert.True(_policy.Check("Zq9!KIMxM7#p", "kim@example.com", null).Breaks(PasswordRule.ContainsPersonalInfo));
    }

    [Fact]
    public void Check_NamePartsShorterThanThree_AreIgnored()
    {
        Assert.True(_policy.Check("Zq9!joLiMx7#", "jo@example.com", "Li Jo").IsValid);
    }

    [Fact]
    public void Check_DisplayNamePartOfThree_FailsPersonalInfo()
    {
        Assert.True(_policy.Check("Zq9!annMx7#k", "someone@example.com", "Ann Li").Breaks(PasswordRule.ContainsPersonalInfo));
    }

    [Fact]
    public void Check_SeveralRulesBroken_ReturnsAllInOrderWithTheFirstMessage()
    {
        var result = _policy.Check("aaaa");

        Assert.Equal([PasswordRule.TooShort, PasswordRule.TooFewCharacterClasses, PasswordRule.Repeated], result.Failures.Select(f => f.Rule));
        Assert.Equal(result.Failures[0].Message, result.Message);
    }

    [Fact]
    public void Check_ManyRulesBroken_ReturnsEachOne()
    {
        var result = _policy.Check("dana1234", "dana@example.com", "Dana");

        Assert.Equal(
            [PasswordRule.TooShort, PasswordRule.TooFewCharacterClasses, PasswordRule.Sequence, PasswordRule.ContainsPersonalInfo],
            result.Failures.Select(f => f.Rule));
        Assert.All(result.Failures, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
    }

    private sealed class FakeBreachedList(params string[] passwords) : IBreachedPasswordList
    {
        private readonly HashSet<string> _passwords = new(passwords, StringComparer.Ordinal);

        public int Count => _passwords.Count;

        public bool Contains(string password) => _passwords.Contains(password.ToLowerInvariant());
    }
}
