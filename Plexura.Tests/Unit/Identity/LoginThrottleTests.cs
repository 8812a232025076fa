using Microsoft.Extensions.Time.Testing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Users;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Tests.Unit.Identity;

public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    private LoginThrottle Throttle => new(_time);

    public static TheoryData<int, int?> Durations() => new()
    {
        { 0, null },
        { 1, null },
        { 4, null },
        { 5, 1 },
        { 6, 2 },
        { 7, 4 },
        { 8, 8 },
        { 9, 16 },
        { 10, 32 },
        { 11, 60 },
        { 12, 60 },
        { 1000, 60 },
        { int.MaxValue, 60 },
    };

    [Theory]
    [MemberData(nameof(Durations))]
    public void LockDuration_AfterFailures_StartsAtOneMinuteAndDoublesUpToAnHour(int failures, int? minutes)
    {
        Assert.Equal(minutes is { } m ? TimeSpan.FromMinutes(m) : null, LoginThrottle.LockDuration(failures));
    }

    [Fact]
    public void RegisterFailure_FourTimes_DoesNotLock()
    {
        var user = Fail(NewUser(), 4);

        Assert.Equal(4, user.FailedSignIns);
        Assert.False(Throttle.IsLocked(user));
        Assert.Null(Throttle.LockedUntil(user));
    }

    [Fact]
    public void RegisterFailure_FifthTime_LocksForExactlyOneMinute()
    {
        var user = Fail(NewUser(), 5);

        Assert.True(Throttle.IsLocked(user));
        Assert.Equal(_time.GetUtcNow().AddMinutes(1), Throttle.LockedUntil(user));

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(Throttle.IsLocked(user));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(Throttle.IsLocked(user));
    }

    [Fact]
    public void RegisterFailure_AfterTheLockEnds_LocksForTwiceAsLong()
    {
        var user = Fail(NewUser(), 5);
        _time.Advance(TimeSpan.FromMinutes(1));

        user = Throttle.RegisterFailure(user);

        Assert.Equal(6, user.FailedSignIns);
        Assert.Equal(_time.GetUtcNow().AddMinutes(2), user.LockedUntil);
    }

    [Fact]
    public void RegisterFailure_ManyTimes_NeverLocksLongerThanAnHour()
    {
        var user = NewUser();
        for (var i = 0; i < 30; i++)
        {
            user = Throttle.RegisterFailure(user);
            _time.Advance(user.LockedUntil is { } until && until > _time.GetUtcNow() ? until - _time.GetUtcNow() : TimeSpan.Zero);
        }

        user = Throttle.RegisterFailure(user);

        Assert.Equal(_time.GetUtcNow().AddHours(1), user.LockedUntil);
    }

    [Fact]
    public void RegisterSuccess_AfterFailures_ResetsCountAndLock()
    {
        var user = Fail(NewUser(), 7);

        user = LoginThrottle.RegisterSuccess(user);

        Assert.Equal(0, user.FailedSignIns);
        Assert.Null(user.LockedUntil);
        Assert.False(Throttle.IsLocked(user));
        Assert.Null(LoginThrottle.LockDuration(Throttle.RegisterFailure(user).FailedSignIns));
    }

    [Fact]
    public void User_StoredBeforeTheLockoutFieldsExisted_ReadsWithDefaults()
    {
        var json = $$"""
            {"id":"{{Guid.NewGuid()}}","email":"dana@example.com","displayName":"Dana","passwordHash":"$2a$12$x",
             "createdAt":"2026-01-01T00:00:00+00:00","emailVerifiedAt":null,"version":3}
            """;

        var user = DocumentJson.Deserialize<User>(json);

        Assert.Equal(0, user.FailedSignIns);
        Assert.Null(user.LockedUntil);
        Assert.Equal(3, user.Version);
    }

    private User Fail(User user, int times)
    {
        for (var i = 0; i < times; i++)
        {
            user = Throttle.RegisterFailure(user);
        }

        return user;
    }

    private User NewUser() => new(UserId.New(), "dana@example.com", "Dana Reyes", "$2a$12$hash", _time.GetUtcNow());
}
