using System;
using System.Linq;
using System.Text;
using System.Threading;
using ImageOps.Formats.Inf;

namespace ImageOps.Formats.Tests.Inf;

/// <summary>Helpers that build INF bytes and run the reader's layers on them.</summary>
internal static class InfTestText
{
    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Utf8(string text, bool bom = false)
        => bom ? Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray() : new UTF8Encoding(false).GetBytes(text);

    public static byte[] Utf16(string text, bool bom = true)
        => bom ? new byte[] { 0xFF, 0xFE }.Concat(Encoding.Unicode.GetBytes(text)).ToArray() : Encoding.Unicode.GetBytes(text);

    public static (InfFile File, InfDiagnosticBag Bag) Tokenize(string text, InfParseLimits? limits = null)
        => Tokenize(Ascii(text), limits);

    public static (InfFile File, InfDiagnosticBag Bag) Tokenize(byte[] bytes, InfParseLimits? limits = null)
    {
        limits ??= InfParseLimits.Default;
        var bag = new InfDiagnosticBag("test.inf", limits.MaxDiagnostics);
        var decoded = InfTextDecoder.Decode(bytes, bytes.Length, bag);
        var file = new InfTokenizer(decoded, "test.inf", limits, bag, CancellationToken.None).Run();
        return (file, bag);
    }

    public static string[] Values(InfEntry entry) => entry.Values.Select(v => v.Value).ToArray();

    public static bool Has(this InfDiagnosticBag bag, InfDiagnosticCode code) => bag.ToList().Any(d => d.Code == code);

    public static InfDiagnostic Single(this InfDiagnosticBag bag, InfDiagnosticCode code) => bag.ToList().Single(d => d.Code == code);
}
