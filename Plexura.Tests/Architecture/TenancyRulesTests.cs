using System.Reflection;
using Plexura.Core.Common;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Tests.Architecture;

/// <summary>Tenancy rules checked over the types, so a new record or port cannot forget the practice.</summary>
public sealed class TenancyRulesTests
{
    private static readonly Assembly Core = typeof(PracticeId).Assembly;
    private static readonly Assembly Infrastructure = typeof(IDocumentStore).Assembly;

    public static TheoryData<Type> StoredRecordTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var type in Core.GetTypes().Where(t => typeof(IVersioned).IsAssignableFrom(t) && t.IsClass))
        {
            data.Add(type);
        }

        return data;
    }

    public static TheoryData<Type> StoragePorts()
    {
        var data = new TheoryData<Type>();
        foreach (var type in Core.GetTypes().Where(t => t.IsInterface && (t.Name.EndsWith("Repository", StringComparison.Ordinal) || t.Name.EndsWith("Store", StringComparison.Ordinal))))
        {
            data.Add(type);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StoredRecordTypes))]
    public void StoredRecord_IsPracticeOwnedOrMarkedGlobal(Type type)
    {
        var owned = typeof(IPracticeOwned).IsAssignableFrom(type);
        var global = type.GetCustomAttribute<GlobalRecordAttribute>();

        Assert.True(owned ^ (global is not null), $"{type.Name} must be exactly one of IPracticeOwned or [GlobalRecord].");
        Assert.True(global is null || global.Reason.Length > 20, $"{type.Name}'s [GlobalRecord] needs a real reason.");
    }

    [Fact]
    public void CollectionDefinitions_AgreeWithTheirRecordTypeOnOwnership()
    {
        var definitions = Infrastructure.GetType("Plexura.Infrastructure.Persistence.Collections")!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType.IsGenericType && f.FieldType.GetGenericTypeDefinition() == typeof(CollectionDefinition<>))
            .ToList();

        Assert.NotEmpty(definitions);
        foreach (var field in definitions)
        {
            var recordType = field.FieldType.GetGenericArguments()[0];
            var isOwned = (bool)field.FieldType.GetProperty(nameof(CollectionDefinition<object>.IsPracticeOwned))!.GetValue(field.GetValue(null))!;
            Assert.True(isOwned == typeof(IPracticeOwned).IsAssignableFrom(recordType), $"Collections.{field.Name} disagrees with {recordType.Name} about practice ownership.");
            Assert.True(typeof(IVersioned).IsAssignableFrom(recordType), $"{recordType.Name} is stored, so it must be IVersioned.");
        }
    }

    [Theory]
    [MemberData(nameof(StoragePorts))]
    public void PortMethod_OnPracticeData_TakesThePracticeIdFirst(Type port)
    {
        foreach (var method in port.GetMethods())
        {
            if (!HandlesPracticeData(method) || method.GetCustomAttribute<CrossPracticeAttribute>() is not null)
            {
                continue;
            }

            var first = method.GetParameters().FirstOrDefault();
            Assert.True(first?.ParameterType == typeof(PracticeId), $"{port.Name}.{method.Name} handles practice data, so its first parameter must be the PracticeId.");
        }
    }

    [Theory]
    [MemberData(nameof(StoragePorts))]
    public void CrossPracticeMethod_StatesWhy(Type port)
    {
        foreach (var method in port.GetMethods())
        {
            var marker = method.GetCustomAttribute<CrossPracticeAttribute>();
            Assert.True(marker is null || marker.Reason.Length > 20, $"{port.Name}.{method.Name} needs a real reason to span practices.");
        }
    }

    [Fact]
    public void Commands_CarryNoPracticeOrUserId()
    {
        var commands = Core.GetTypes().Where(t => t.Name.EndsWith("Command", StringComparison.Ordinal));

        foreach (var command in commands)
        {
            Assert.DoesNotContain(command.GetProperties(), p => p.PropertyType == typeof(PracticeId) || p.PropertyType == typeof(UserId) || p.PropertyType == typeof(PracticeId?) || p.PropertyType == typeof(UserId?));
        }
    }

    [Fact]
    public void ApiRequestBodies_CarryNoPracticeOrUserId()
    {
        var requests = typeof(Plexura.Web.Endpoints.ClientEndpoints).Assembly.GetTypes()
            .Where(t => t.Namespace == "Plexura.Web.Endpoints" && t.Name.EndsWith("Request", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(requests);
        foreach (var request in requests)
        {
            Assert.DoesNotContain(request.GetProperties(), p => p.PropertyType == typeof(PracticeId) || p.PropertyType == typeof(UserId) || p.PropertyType == typeof(PracticeId?) || p.PropertyType == typeof(UserId?));
        }
    }

    [Fact]
    public void CoreClasses_AreSealedOrAbstractOrStatic()
    {
        var open = Core.GetTypes()
            .Where(t => t.IsClass && t.IsPublic && !t.IsSealed && !t.IsAbstract && !typeof(Attribute).IsAssignableFrom(t))
            .Select(t => t.FullName);

        Assert.Empty(open);
    }

    private static bool HandlesPracticeData(MethodInfo method) =>
        method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType).Any(MentionsPracticeOwned);

    private static bool MentionsPracticeOwned(Type type) =>
        typeof(IPracticeOwned).IsAssignableFrom(type)
        || (type.IsGenericType && type.GetGenericArguments().Any(MentionsPracticeOwned))
        || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Func<,>) && type.GetGenericArguments().Any(MentionsPracticeOwned));
}
