using System;
using System.Text;
using System.Text.RegularExpressions;

namespace ImageOps.Engine.Text;

/// <summary>
/// PowerShell-style wildcard matching (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[a-z]</c>, backtick escape),
/// case-insensitive, so <c>Get-ImagePool Gold*</c> and <c>imageops pool list --name "Gold*"</c> agree.
/// </summary>
public sealed class Wildcard
{
    private readonly Regex _regex;

    /// <summary>Compiles a pattern.</summary>
    public Wildcard(string pattern)
    {
        Pattern = pattern ?? throw new ArgumentNullException(nameof(pattern));
        _regex = new Regex(ToRegex(pattern), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }

    /// <summary>The pattern as given.</summary>
    public string Pattern { get; }

    /// <summary>True if the pattern contains wildcard characters (an unescaped <c>*</c>, <c>?</c> or <c>[</c>).</summary>
    public static bool ContainsWildcard(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '`')
            {
                i++;
                continue;
            }

            if (c == '*' || c == '?' || c == '[')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True if <paramref name="value"/> matches the whole pattern.</summary>
    public bool IsMatch(string value) => _regex.IsMatch(value);

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '`' when i + 1 < pattern.Length:
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }

                    var set = pattern.Substring(i + 1, close - i - 1).Replace(@"\", @"\\").Replace("^", @"\^");
                    sb.Append('[').Append(set).Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return sb.Append('$').ToString();
    }
}
