using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using ImageOps.Engine.Injection;

namespace ImageOps.Engine.Tests.Injection;

/// <summary>
/// The first-boot script runs on Windows only; here it is checked offline: its text, its escaping,
/// and its syntax by the rules of a PowerShell lexer (strings, comments, nesting), plus the language
/// features it must not use to stay runnable on Windows PowerShell 5.1 and 2.0.
/// </summary>
public sealed class FirstBootScriptTests
{
    private static readonly string[] Known =
    {
        "Join-Path", "New-Object", "Test-Path", "New-Item", "Start-Process", "Move-Item", "Out-String",
        "Format-JsonString", "Write-Result", "Get-Counter", "Set-Counter", "Test-PendingReboot", "Remove-KeyTree", "Remove-Stubs", "Invoke-Pnputil",
    };

    private static string Sample(int build = 26100)
    {
        var storage = new FirstBootScript.Package { Folder = "viostor_00b1083d5a78fcc7", Inf = "viostor.inf" };
        storage.Stubs.AddRange(FirstBootScript.StubsOf(new BootStubPlan
        {
            Service = "viostor",
            Binary = "viostor.sys",
            Database = "DriverDatabase",
            StubInf = "imageops_viostor.inf",
            PackageLabel = "imageops_viostor.inf_amd64_0000000000000000",
            HardwareIds = new[] { @"PCI\VEN_1AF4&DEV_1001&REV_00", @"PCI\VEN_1AF4&DEV_1042&REV_01" },
        }));
        var odd = new FirstBootScript.Package { Folder = "o_brien_0123456789abcdef", Inf = @"sub\o'brien.inf" };
        return FirstBootScript.Render(new[] { storage, odd }, build, "ImageOps test");
    }

    [Fact]
    public void It_is_ascii_with_crlf_line_ends()
    {
        var script = Sample();
        Assert.All(script, c => Assert.True(c == '\r' || c == '\n' || (c >= 0x20 && c <= 0x7E)));
        Assert.DoesNotContain("\n", script.Replace("\r\n", string.Empty));
        Assert.StartsWith("# ImageOps first-boot driver installer", script);
    }

    [Fact]
    public void It_lexes_as_powershell_with_balanced_nesting()
    {
        var problems = Lex(Sample(), out var tokens);
        Assert.Empty(problems);
        Assert.Contains("'o''brien.inf'".Replace("o''", @"sub\o''"), tokens);
    }

    [Fact]
    public void It_uses_no_language_newer_than_powershell_2()
    {
        var code = StripStringsAndComments(Sample());
        foreach (var feature in new[] { "[ordered]", "ConvertTo-Json", "ConvertFrom-Json", "$PSScriptRoot", ".Where(", ".ForEach(", " -in ", " -notin ", "Get-CimInstance", "class ", "using namespace" })
        {
            Assert.DoesNotContain(feature, code, StringComparison.OrdinalIgnoreCase);
        }

        // Every command it calls is defined in it or a cmdlet Windows PowerShell 2.0 already had.
        foreach (Match m in Regex.Matches(code, @"(?<![\w$.-])([A-Z][a-z]+-[A-Za-z]+)\b"))
        {
            Assert.Contains(m.Groups[1].Value, Known);
        }
    }

    [Fact]
    public void It_never_restarts_windows_and_caps_attempts()
    {
        var script = Sample();
        foreach (var forbidden in new[] { "Restart-Computer", "shutdown", "Stop-Computer", "/r /t" })
        {
            Assert.DoesNotContain(forbidden, script, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("$MaxAttempts = 3", script);
        Assert.Contains("Set-Counter $package.Folder $attempt", script);
        Assert.True(script.IndexOf("Set-Counter $package.Folder $attempt", StringComparison.Ordinal) < script.IndexOf("$code = Invoke-Pnputil", StringComparison.Ordinal), "the attempt is counted before pnputil runs");
        Assert.Contains("Move-Item -LiteralPath $folder -Destination (Join-Path $Quarantine $package.Folder)", script);
        Assert.Contains("delete $ServiceName", script);
    }

    [Fact]
    public void It_installs_with_the_pnputil_syntax_of_the_build()
    {
        Assert.Contains("$ModernPnputil = $true", Sample(26100));
        Assert.Contains("$ModernPnputil = $false", Sample(7601));
        Assert.Contains("'/add-driver \"' + $InfPath + '\" /install'", Sample());
    }

    [Fact]
    public void Stubs_name_the_live_registry_paths()
    {
        var script = Sample();
        Assert.Contains(@"@{ Kind = 'Key'; Path = 'SYSTEM\DriverDatabase\DriverInfFiles\imageops_viostor.inf'; Name = '' }", script);
        Assert.Contains(@"@{ Kind = 'Value'; Path = 'SYSTEM\DriverDatabase\DeviceIds\PCI\VEN_1AF4&DEV_1001&REV_00'; Name = 'imageops_viostor.inf' }", script);
        var cdd = FirstBootScript.StubsOf(new BootStubPlan { Service = "viostor", Database = "CriticalDeviceDatabase", HardwareIds = new[] { @"PCI\VEN_1AF4&DEV_1001&REV_00" } }).Single();
        Assert.Equal(@"SYSTEM\CurrentControlSet\Control\CriticalDeviceDatabase\PCI#VEN_1AF4&DEV_1001&REV_00", cdd.Path);
    }

    [Theory]
    [InlineData("it's", "'it''s'")]
    [InlineData("plain", "'plain'")]
    public void Quote_doubles_single_quotes(string text, string expected) => Assert.Equal(expected, FirstBootScript.Quote(text));

    [Theory]
    [InlineData("smart\u2019quote")]
    [InlineData("new\nline")]
    public void Quote_refuses_what_could_end_the_string(string text) => Assert.Throws<ArgumentException>(() => FirstBootScript.Quote(text));

    [Fact]
    public void The_log_reader_skips_torn_lines()
    {
        var entries = FirstBootLog.Parse(System.Text.Encoding.UTF8.GetBytes("{\"event\":\"start\",\"attempt\":0,\"exitCode\":null}\n{\"event\":\"failed\",\"package\":\"p\",\"attempt\":2,\"exitCode\":-1}\n{\"event\":\"inst"));
        Assert.Equal(new[] { "start", "failed" }, entries.Select(e => e.Event));
        Assert.Equal(-1, entries[1].ExitCode);
    }

    /// <summary>A PowerShell lexer for what the script uses: quoted strings, comments, (), {}, [] nesting.</summary>
    private static List<string> Lex(string text, out List<string> singleQuoted)
    {
        var problems = new List<string>();
        singleQuoted = new List<string>();
        var stack = new Stack<(char, int)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '#':
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }

                    line++;
                    break;
                case '`':
                    i++;
                    break;
                case '\'':
                    var start = i;
                    for (i++; ; i++)
                    {
                        if (i >= text.Length || text[i] == '\n')
                        {
                            problems.Add($"line {line}: unterminated single-quoted string");
                            break;
                        }

                        if (text[i] == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            i++;
                            continue;
                        }

                        if (text[i] == '\'')
                        {
                            break;
                        }
                    }

                    singleQuoted.Add(text.Substring(start, i - start + 1));
                    break;
                case '"':
                    for (i++; ; i++)
                    {
                        if (i >= text.Length || text[i] == '\n')
                        {
                            problems.Add($"line {line}: unterminated double-quoted string");
                            break;
                        }

                        if (text[i] == '`')
                        {
                            i++;
                            continue;
                        }

                        if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '(')
                        {
                            problems.Add($"line {line}: subexpression in a string (not used by this script)");
                        }

                        if (text[i] == '"')
                        {
                            break;
                        }
                    }

                    break;
                case '(':
                case '{':
                case '[':
                    stack.Push((c, line));
                    break;
                case ')':
                case '}':
                case ']':
                    var open = c == ')' ? '(' : c == '}' ? '{' : '[';
                    if (stack.Count == 0 || stack.Peek().Item1 != open)
                    {
                        problems.Add($"line {line}: '{c}' does not close '{(stack.Count == 0 ? ' ' : stack.Peek().Item1)}'");
                    }
                    else
                    {
                        stack.Pop();
                    }

                    break;
            }
        }

        problems.AddRange(stack.Select(s => $"line {s.Item2}: '{s.Item1}' is never closed"));
        return problems;
    }

    private static string StripStringsAndComments(string text)
    {
        var code = Regex.Replace(text, "'(?:[^'\\n]|'')*'", "''");
        code = Regex.Replace(code, "\"(?:[^\"`\\n]|`.)*\"", "\"\"");
        return Regex.Replace(code, "#[^\\n]*", string.Empty);
    }
}
