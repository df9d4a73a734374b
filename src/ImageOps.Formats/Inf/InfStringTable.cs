using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ImageOps.Formats.Inf;

/// <summary>
/// The <c>%strkey%</c> definitions an INF uses and the substitution of them into field text.
/// <para>
/// Section choice follows SetupAPI's documented order for a language id (Platform SDK, "Strings"
/// section, Windows NT 4.0 SP3 and later): an exact <c>[Strings.LanguageID]</c> match, then a section
/// with only the primary language part (for example <c>[Strings.0009]</c> or <c>[Strings.09]</c> for any
/// English), then the neutral <c>[Strings]</c>. One section is used; keys are not looked up in another.
/// </para>
/// <para>
/// Substitution follows "General Syntax Rules for INF Files" and SetupAPI: <c>%%</c> is one percent sign,
/// a token whose key is a number (<c>%12%</c>) is a directory id and is left for the installer, and an
/// unknown key is left as written. Substitution is a single pass over the field: a value inserted from
/// the Strings section is not scanned again, so definitions that name each other cannot loop.
/// </para>
/// </summary>
public sealed class InfStringTable
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _reportedUnknown = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _maxExpanded;

    internal InfStringTable(InfFile file, int languageId, int maxExpandedLength, InfDiagnosticBag bag)
    {
        _maxExpanded = maxExpandedLength;
        var languages = new List<int>();
        InfSection? neutral = null, exact = null, primary = null;
        int? exactId = null, primaryId = null;
        foreach (var section in file.Sections)
        {
            if (string.Equals(section.Name, "Strings", StringComparison.OrdinalIgnoreCase))
            {
                neutral = section;
                continue;
            }

            if (!TryParseLanguageSuffix(section.Name, out var id))
            {
                continue;
            }

            languages.Add(id);
            if (id == languageId && exact is null)
            {
                exact = section;
                exactId = id;
            }
            else if (id == (languageId & 0x3FF) && primary is null)
            {
                primary = section;
                primaryId = id;
            }
        }

        AvailableLanguageIds = languages;
        HasNeutralSection = neutral is not null;
        var chosen = exact ?? primary ?? neutral;
        LanguageId = exact is not null ? exactId : primary is not null ? primaryId : null;
        SectionName = chosen?.Name;
        if (chosen is null)
        {
            if (languages.Count > 0)
            {
                bag.Warning(InfDiagnosticCode.NoMatchingStringsSection, 0, 0,
                    string.Format(CultureInfo.InvariantCulture, "No Strings section matches language 0x{0:X4} and there is no neutral [Strings]; no %strkey% token can be substituted.", languageId));
            }

            return;
        }

        foreach (var entry in chosen.Entries)
        {
            if (entry.Key is null)
            {
                continue;
            }

            var value = entry.Values.Count > 0 ? entry.Values[0].Value : string.Empty;
            if (entry.Values.Count > 1)
            {
                bag.Warning(InfDiagnosticCode.StringValueHasMultipleFields, entry.Line, entry.Column,
                    "The value of string '" + entry.Key.Value + "' has unquoted commas; SetupAPI uses only the text before the first comma. Quote the value to keep it whole.");
            }

            if (_values.TryGetValue(entry.Key.Value, out var first))
            {
                if (!string.Equals(first, value, StringComparison.Ordinal))
                {
                    bag.Info(InfDiagnosticCode.DuplicateStringKey, entry.Line, entry.Column, "String '" + entry.Key.Value + "' is defined again with a different value; the first definition is used.");
                }

                continue;
            }

            _values.Add(entry.Key.Value, value);
        }
    }

    /// <summary>The Strings section in use, or null if the INF has none that applies.</summary>
    public string? SectionName { get; }

    /// <summary>The language id of the section in use, or null for the neutral <c>[Strings]</c> (or none).</summary>
    public int? LanguageId { get; }

    /// <summary>The language ids of all <c>[Strings.LanguageID]</c> sections in the file.</summary>
    public IReadOnlyList<int> AvailableLanguageIds { get; }

    /// <summary>True if the file has a neutral <c>[Strings]</c> section.</summary>
    public bool HasNeutralSection { get; }

    /// <summary>Number of keys defined in the section in use.</summary>
    public int Count => _values.Count;

    /// <summary>The keys defined in the section in use.</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>The raw value of <paramref name="key"/> (ignoring case), if defined.</summary>
    public bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value!);

    /// <summary>
    /// Substitutes <c>%strkey%</c> tokens in <paramref name="text"/> (no diagnostics; the result is
    /// capped at <see cref="InfParseLimits.MaxExpandedStringLength"/> characters).
    /// </summary>
    public string Expand(string text) => Expand(text, 0, 0, null, null);

    internal static bool TryParseLanguageSuffix(string sectionName, out int languageId)
    {
        languageId = 0;
        const string Prefix = "Strings.";
        if (sectionName.Length <= Prefix.Length || sectionName.Length > Prefix.Length + 4
            || !sectionName.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return int.TryParse(sectionName.Substring(Prefix.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out languageId);
    }

    internal string Expand(string text, int line, int column, InfDiagnosticBag? bag, InfSubstitutionBudget? budget)
    {
        var first = text.IndexOf('%');
        if (first < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        var i = 0;
        var truncated = false;
        while (i < text.Length)
        {
            var open = text.IndexOf('%', i);
            if (open < 0)
            {
                Append(sb, text, i, text.Length - i, ref truncated);
                break;
            }

            Append(sb, text, i, open - i, ref truncated);
            var close = text.IndexOf('%', open + 1);
            if (close < 0)
            {
                // Reported once per field by CheckTokens; here the text is just kept.
                Append(sb, text, open, text.Length - open, ref truncated);
                break;
            }

            var key = text.Substring(open + 1, close - open - 1);
            if (key.Length == 0)
            {
                Append(sb, "%", 0, 1, ref truncated);
            }
            else if (_values.TryGetValue(key, out var value))
            {
                Append(sb, value, 0, value.Length, ref truncated);
            }
            else
            {
                if (!IsDirectoryId(key) && bag is not null && _reportedUnknown.Add(key))
                {
                    bag.Warning(InfDiagnosticCode.UnknownStringKey, line, column, "String key '%" + key + "%' is not defined in " + (SectionName is null ? "any Strings section" : "[" + SectionName + "]") + "; it is left as written.");
                }

                Append(sb, text, open, close - open + 1, ref truncated);
            }

            i = close + 1;
        }

        if (bag is not null && (truncated || sb.Length >= InfTokenizer.WindowsMaxFieldLength))
        {
            bag.Error(InfDiagnosticCode.StringTooLong, line, column,
                string.Format(CultureInfo.InvariantCulture, "After substitution the string is {0}{1} characters long; Windows allows {2}.", truncated ? "more than " : string.Empty, sb.Length, InfTokenizer.WindowsMaxFieldLength - 1));
        }

        budget?.Consume(sb.Length, line, column);
        return sb.ToString();
    }

    // Reports unknown keys in a field without building the substituted text (used for every field of
    // the file, so that a token nobody models still gets reported).
    internal void CheckTokens(string text, int line, int column, InfDiagnosticBag bag)
    {
        var open = text.IndexOf('%');
        while (open >= 0)
        {
            var close = text.IndexOf('%', open + 1);
            if (close < 0)
            {
                bag.Info(InfDiagnosticCode.UnterminatedStringToken, line, column, "A '%' without a closing '%' is left as written: " + text);
                return;
            }

            if (close > open + 1)
            {
                var key = text.Substring(open + 1, close - open - 1);
                if (!_values.ContainsKey(key) && !IsDirectoryId(key) && _reportedUnknown.Add(key))
                {
                    bag.Warning(InfDiagnosticCode.UnknownStringKey, line, column, "String key '%" + key + "%' is not defined in " + (SectionName is null ? "any Strings section" : "[" + SectionName + "]") + "; it is left as written.");
                }
            }

            open = text.IndexOf('%', close + 1);
        }
    }

    // A token whose key is a number names a directory id (%10% Windows, %11% System32, %12% drivers):
    // SetupAPI substitutes it at install time, so it is neither a string nor an error here.
    internal static bool IsDirectoryId(string key)
    {
        foreach (var c in key)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return key.Length > 0;
    }

    private void Append(StringBuilder sb, string source, int start, int count, ref bool truncated)
    {
        var room = _maxExpanded - sb.Length;
        if (count > room)
        {
            count = room < 0 ? 0 : room;
            truncated = true;
        }

        sb.Append(source, start, count);
    }
}
