using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace ImageOps.Build.Metadata;

/// <summary>
/// Reads the cmdlets of an assembly with <see cref="MetadataLoadContext"/>: attributes are read as
/// data, so neither the assembly nor PowerShell is loaded (PowerShell cannot run here, and loading a
/// module's assembly into a build process would lock it).
/// </summary>
internal sealed class CmdletAssembly : IDisposable
{
    private const string Sma = "System.Management.Automation";
    private readonly MetadataLoadContext _context;

    private CmdletAssembly(MetadataLoadContext context, Assembly assembly)
    {
        _context = context;
        Assembly = assembly;
    }

    /// <summary>The loaded (as metadata) assembly.</summary>
    public Assembly Assembly { get; }

    /// <summary>Opens <paramref name="assemblyPath"/>, resolving references from its folder, the PowerShell reference assembly and the runtime.</summary>
    public static CmdletAssembly Open(string assemblyPath, string? powerShellReference = null)
    {
        var full = Path.GetFullPath(assemblyPath);
        var folder = Path.GetDirectoryName(full)!;
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var dll in Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
        {
            paths[Path.GetFileName(dll)] = dll;
        }

        // The module's own folder wins over the runtime for its dependencies.
        foreach (var dll in Directory.GetFiles(folder, "*.dll"))
        {
            paths[Path.GetFileName(dll)] = dll;
        }

        var sma = powerShellReference ?? KnownPaths.PowerShellReferenceAssembly;
        paths[Path.GetFileName(sma)] = sma;
        var context = new MetadataLoadContext(new PathAssemblyResolver(paths.Values));
        try
        {
            return new CmdletAssembly(context, context.LoadFromAssemblyPath(full));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _context.Dispose();

    /// <summary>Every public, non-abstract class carrying [Cmdlet], ordered by name.</summary>
    public IReadOnlyList<CmdletModel> Cmdlets()
    {
        var result = new List<CmdletModel>();
        foreach (var type in Assembly.GetExportedTypes())
        {
            if (!type.IsClass || type.IsAbstract)
            {
                continue;
            }

            var cmdlet = Find(type.GetCustomAttributesData(), "CmdletAttribute");
            if (cmdlet is null)
            {
                continue;
            }

            var outputTypes = type.GetCustomAttributesData()
                .Where(a => a.AttributeType.FullName == Sma + ".OutputTypeAttribute")
                .SelectMany(a => a.ConstructorArguments.SelectMany(Flatten))
                .Select(v => v is Type t ? t.FullName ?? t.Name : v?.ToString() ?? string.Empty)
                .ToList();

            result.Add(new CmdletModel(
                type.FullName!,
                (string)cmdlet.ConstructorArguments[0].Value!,
                (string)cmdlet.ConstructorArguments[1].Value!,
                Named<string>(cmdlet, "DefaultParameterSetName"),
                Named<bool>(cmdlet, "SupportsShouldProcess"),
                ConfirmImpactName(Named<int?>(cmdlet, "ConfirmImpact") ?? 2),
                outputTypes,
                Parameters(type)));
        }

        return result.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>True if the assembly references <paramref name="assemblyName"/> directly.</summary>
    public static bool References(string assemblyPath, string assemblyName)
    {
        using var cmdlets = Open(assemblyPath);
        return cmdlets.Assembly.GetReferencedAssemblies().Any(r => string.Equals(r.Name, assemblyName, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The member names of an enum in PowerShell's reference assembly, for contract checks.</summary>
    public IReadOnlyList<string> PowerShellEnumNames(string enumFullName)
    {
        var type = _context.LoadFromAssemblyName(Sma).GetType(enumFullName, throwOnError: true)!;
        return type.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToList();
    }

    private static IReadOnlyList<ParameterModel> Parameters(Type type)
    {
        var list = new List<ParameterModel>();

        // Declared-first order: the cmdlet's own parameters, then inherited ones (as Get-Help lists them).
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .OrderBy(p => p.DeclaringType == type ? 0 : 1)
            .ThenBy(p => p.MetadataToken);
        foreach (var property in properties)
        {
            var attributes = property.GetCustomAttributesData();
            var bindings = attributes.Where(a => a.AttributeType.FullName == Sma + ".ParameterAttribute").Select(Binding).ToList();
            if (bindings.Count == 0)
            {
                continue;
            }

            var aliases = attributes.Where(a => a.AttributeType.FullName == Sma + ".AliasAttribute")
                .SelectMany(a => a.ConstructorArguments.SelectMany(Flatten))
                .Select(v => v?.ToString() ?? string.Empty)
                .ToList();
            var propertyType = property.PropertyType;
            list.Add(new ParameterModel(
                property.Name,
                FriendlyName(propertyType),
                propertyType.FullName ?? propertyType.Name,
                property.DeclaringType!.FullName!,
                propertyType.FullName == Sma + ".SwitchParameter",
                attributes.Any(a => a.AttributeType.FullName == Sma + ".SupportsWildcardsAttribute"),
                aliases,
                bindings));
        }

        return list;
    }

    private static ParameterSetBinding Binding(CustomAttributeData parameter)
    {
        var position = Named<int?>(parameter, "Position");
        return new ParameterSetBinding(
            Named<string>(parameter, "ParameterSetName") ?? ParameterSetBinding.AllSets,
            Named<bool>(parameter, "Mandatory"),
            position is { } p && p != int.MinValue ? p : null,
            Named<bool>(parameter, "ValueFromPipeline"),
            Named<bool>(parameter, "ValueFromPipelineByPropertyName"),
            Named<bool>(parameter, "ValueFromRemainingArguments"),
            Named<string>(parameter, "HelpMessage"));
    }

    private static CustomAttributeData? Find(IEnumerable<CustomAttributeData> attributes, string name)
        => attributes.FirstOrDefault(a => a.AttributeType.FullName == Sma + "." + name);

    private static T? Named<T>(CustomAttributeData attribute, string name)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.MemberName == name)
            {
                var value = argument.TypedValue.Value;
                if (value is null)
                {
                    return default;
                }

                var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
                return (T)Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return default;
    }

    private static IEnumerable<object?> Flatten(CustomAttributeTypedArgument argument)
    {
        if (argument.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items)
        {
            return items.Select(i => i.Value);
        }

        return new[] { argument.Value };
    }

    private static string ConfirmImpactName(int value) => value switch
    {
        0 => "None",
        1 => "Low",
        2 => "Medium",
        3 => "High",
        _ => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The type as PowerShell help shows it: String, String[], ImagePoolInfo[].</summary>
    internal static string FriendlyName(Type type)
    {
        if (type.IsArray)
        {
            return FriendlyName(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1")
        {
            return FriendlyName(type.GetGenericArguments()[0]);
        }

        return type.Name;
    }
}
