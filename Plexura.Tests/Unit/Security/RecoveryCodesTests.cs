using Plexura.Core.Security;

namespace Plexura.Tests.Unit.Security;

/// <summary>Single-use recovery codes, stored only hashed.</summary>
public sealed class RecoveryCodesTests
{
    [Fact]
    public void Generate_GivesTenDistinctFormattedCodesStoredOnlyHashed()
    {
        var generated = RecoveryCodes.Generate();

        Assert.Equal(RecoveryCodes.Count, generated.Codes.Count);
        Assert.Equal(RecoveryCodes.Count, generated.Codes.Distinct().Count());
        Assert.All(generated.Codes, c => Assert.Matches("^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$", c));
        Assert.Equal(RecoveryCodes.Count, generated.Stored.Hashes.Count);
        Assert.All(generated.Codes, c => Assert.DoesNotContain(generated.Stored.Hashes, h => h.Contains(c.Replace("-", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal)));
    }

    [Fact]
    public void Generate_TwoSets_HaveDifferentSaltsAndCodes()
    {
        var first = RecoveryCodes.Generate();
        var second = RecoveryCodes.Generate();

        Assert.NotEqual(first.Stored.Salt, second.Stored.Salt);
        Assert.Empty(first.Codes.Intersect(second.Codes));
    }

    [Fact]
    public void TryConsume_ACode_MatchesOnceAndIsThenGone()
    {
        var generated = RecoveryCodes.Generate();
        var code = generated.Codes[3];

        var first = RecoveryCodes.TryConsume(generated.Stored, code, out var remaining);
        var again = RecoveryCodes.TryConsume(remaining, code, out var unchanged);

        Assert.True(first);
        Assert.Equal(RecoveryCodes.Count - 1, remaining.Hashes.Count);
        Assert.False(again);
        Assert.Same(remaining, unchanged);
        Assert.True(RecoveryCodes.TryConsume(remaining, generated.Codes[4], out _));
    }

    [Fact]
    public void TryConsume_LowerCaseWithoutDashOrWithSpaces_StillMatches()
    {
        var generated = RecoveryCodes.Generate();
        var code = generated.Codes[0];

        Assert.True(RecoveryCodes.TryConsume(generated.Stored, code.Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant(), out _));
        Assert.True(RecoveryCodes.TryConsume(generated.Stored, $" {code.Replace("-", " ", StringComparison.Ordinal)} ", out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("AAAAA-AAAAA")]
    [InlineData("short")]
    public void TryConsume_UnknownCode_IsRefusedAndKeepsTheSet(string code)
    {
        var generated = RecoveryCodes.Generate();

        Assert.False(RecoveryCodes.TryConsume(generated.Stored, code, out var remaining));
        Assert.Same(generated.Stored, remaining);
    }

    [Fact]
    public void TryConsume_CodeFromAnotherUsersSet_IsRefused()
    {
        var mine = RecoveryCodes.Generate();
        var theirs = RecoveryCodes.Generate();

        Assert.False(RecoveryCodes.TryConsume(mine.Stored, theirs.Codes[0], out _));
    }
}
