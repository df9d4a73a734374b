using System.Linq;
using System.Text;
using ImageOps.Formats.Inf;

namespace ImageOps.Formats.Tests.Inf;

/// <summary>Builds documents from INF text written in tests.</summary>
internal static class InfTestDocuments
{
    public const string VersionSection = "[Version]\nSignature=\"$Windows NT$\"\nClass=SCSIAdapter\nClassGuid={4D36E97B-E325-11CE-BFC1-08002BE10318}\nProvider=%Prov%\nDriverVer=06/21/2023,10.0.1.2\nCatalogFile=drv.cat\nPnpLockdown=1\n";

    public static InfDocument Parse(string text, InfParseOptions? options = null, string name = "test.inf")
        => InfParser.Parse(Encoding.UTF8.GetBytes(text), name, options);

    public static InfDocument ParseWithVersion(string body, InfParseOptions? options = null)
        => Parse(VersionSection + body + "\n[Strings]\nProv=\"Contoso\"\n", options);

    public static bool Has(this InfDocument document, InfDiagnosticCode code) => document.Diagnostics.Any(d => d.Code == code);

    public static bool Has(this InfDriverResolution resolution, InfDiagnosticCode code) => resolution.Diagnostics.Any(d => d.Code == code);

    public static InfDiagnostic Single(this InfDocument document, InfDiagnosticCode code) => document.Diagnostics.Single(d => d.Code == code);

    public static InfTargetPlatform Amd64 => InfTargetPlatform.Windows10(InfArchitecture.Amd64, 19045);

    public static InfTargetPlatform X86 => InfTargetPlatform.Windows10(InfArchitecture.X86, 19045);

    public static InfTargetPlatform Arm64 => InfTargetPlatform.Windows10(InfArchitecture.Arm64, 22621);
}
