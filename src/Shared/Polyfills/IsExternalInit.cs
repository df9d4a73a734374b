// Lets netstandard2.0 assemblies use init accessors and records (the type ships in .NET 5+ only).
namespace System.Runtime.CompilerServices;

internal static class IsExternalInit
{
}
