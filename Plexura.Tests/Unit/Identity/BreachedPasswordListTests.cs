using Plexura.Infrastructure.Identity;
using Xunit.Abstractions;

namespace Plexura.Tests.Unit.Identity;

public sealed class BreachedPasswordListTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("password")]
    [InlineData("123456")]
    [InlineData("qwerty123")]
    [InlineData("PassWord")]
    [InlineData("iloveyou")]
    [InlineData("zzzz1111")] // near rank 90,000 of SecLists' top 100,000
    public void Contains_KnownBreachedPassword_ReturnsTrue(string password)
    {
        Assert.True(new BreachedPasswordList().Contains(password));
    }

    [Fact]
    public void Contains_RandomString_ReturnsFalse()
    {
        Assert.False(new BreachedPasswordList().Contains($"{Guid.NewGuid():N}-Zq9!"));
    }

    [Fact]
    public void Count_IsTheSizeOfTheGeneratedList()
    {
        var count = new BreachedPasswordList().Count;
        output.WriteLine($"Breached-password list: {count} entries.");

        Assert.Equal(125_711, count);
    }

    [Fact]
    public void Load_ManyInstancesAtOnce_ReadsTheResourceOnce()
    {
        Parallel.For(0, 32, _ => Assert.True(new BreachedPasswordList().Contains("password")));

        Assert.Equal(1, BreachedPasswordList.LoadCount);
    }
}
