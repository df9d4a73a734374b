using System;

namespace ImageOps.Formats.Inf;

/// <summary>The spellings of architectures inside decorations, and the stampinf placeholder for them.</summary>
internal static class InfArchitectureNames
{
    /// <summary>stampinf replaces this with the target architecture when it turns an .inx into an INF.</summary>
    public const string Placeholder = "$ARCH$";

    public static readonly InfArchitecture[] Known = { InfArchitecture.X86, InfArchitecture.Amd64, InfArchitecture.Ia64, InfArchitecture.Arm, InfArchitecture.Arm64 };

    public static string Token(InfArchitecture architecture) => architecture switch
    {
        InfArchitecture.X86 => "x86",
        InfArchitecture.Amd64 => "amd64",
        InfArchitecture.Ia64 => "ia64",
        InfArchitecture.Arm => "arm",
        InfArchitecture.Arm64 => "arm64",
        _ => string.Empty,
    };

    public static bool TryParse(string token, out InfArchitecture architecture)
    {
        foreach (var known in Known)
        {
            if (string.Equals(token, Token(known), StringComparison.OrdinalIgnoreCase))
            {
                architecture = known;
                return true;
            }
        }

        architecture = InfArchitecture.Unspecified;
        return false;
    }

    public static bool IsPlaceholder(string token) => string.Equals(token, Placeholder, StringComparison.OrdinalIgnoreCase);
}
