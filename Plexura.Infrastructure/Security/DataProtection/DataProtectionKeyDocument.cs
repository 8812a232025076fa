using Plexura.Core.Common;

namespace Plexura.Infrastructure.Security.DataProtection;

/// <summary>One ASP.NET Core data protection key element (antiforgery and circuit keys), as stored.</summary>
/// <param name="Id">A fresh id per stored element.</param>
/// <param name="FriendlyName">The name data protection gives the element (<c>key-{guid}</c> or a revocation).</param>
/// <param name="Xml">The element's XML; its secret part is sealed by <see cref="MasterKeyXmlEncryptor"/>.</param>
/// <param name="Version">Optimistic-concurrency version.</param>
[GlobalRecord("Data protection keys protect the app's own tokens (antiforgery, circuits) for every user, before any practice is chosen.")]
public sealed record DataProtectionKeyDocument(string Id, string FriendlyName, string Xml, long Version = 0) : IVersioned;
