using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace ImageOps.Build.Help;

/// <summary>
/// Reads the compiler's XML documentation files (the one source of cmdlet help) and turns members
/// into plain paragraphs: <c>&lt;para&gt;</c> splits paragraphs, <c>&lt;c&gt;</c> and <c>&lt;see&gt;</c>
/// become their text (a cref to a cmdlet class becomes its Verb-Noun name), whitespace is collapsed.
/// </summary>
internal sealed class XmlDocs
{
    private readonly Dictionary<string, XElement> _members = new(StringComparer.Ordinal);
    private readonly Func<string, string?> _cmdletNameOfType;

    /// <summary>Loads the given doc files; <paramref name="cmdletNameOfType"/> maps a type's full name to its cmdlet name, if it is one.</summary>
    public XmlDocs(IEnumerable<string> files, Func<string, string?> cmdletNameOfType)
    {
        _cmdletNameOfType = cmdletNameOfType;
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        foreach (var file in files.Where(File.Exists))
        {
            using var reader = XmlReader.Create(file, settings);
            foreach (var member in XDocument.Load(reader).Descendants("member"))
            {
                var name = (string?)member.Attribute("name");
                if (name is not null)
                {
                    _members[name] = member;
                }
            }
        }
    }

    /// <summary>The member element for a doc id such as <c>T:Ns.Type</c> or <c>P:Ns.Type.Prop</c>.</summary>
    public XElement? Member(string id) => _members.TryGetValue(id, out var member) ? member : null;

    /// <summary>The paragraphs of a member's element (summary, remarks…), or empty.</summary>
    public List<string> Paragraphs(string id, string element)
    {
        var node = Member(id)?.Element(element);
        return node is null ? new List<string>() : Paragraphs(node);
    }

    /// <summary>Splits an element into paragraphs of plain text.</summary>
    public List<string> Paragraphs(XElement element)
    {
        var paragraphs = new List<string>();
        var loose = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            if (node is XElement { Name.LocalName: "para" } para)
            {
                Flush(loose, paragraphs);
                AddIfAny(paragraphs, Text(para));
            }
            else
            {
                loose.Append(node is XElement e ? Text(e) : node is XText t ? t.Value : string.Empty);
            }
        }

        Flush(loose, paragraphs);
        return paragraphs;
    }

    /// <summary>Verbatim code: common indentation removed, lines kept.</summary>
    public static string Code(XElement code)
    {
        var lines = code.Value.Replace("\r\n", "\n").Split('\n').ToList();
        while (lines.Count > 0 && string.IsNullOrWhiteSpace(lines[0]))
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && string.IsNullOrWhiteSpace(lines[^1]))
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l.Substring(indent).TrimEnd() : l.Trim()));
    }

    private string Text(XElement element)
    {
        var sb = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText text:
                    sb.Append(text.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see:
                    sb.Append(SeeText(see));
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } reference:
                    sb.Append((string?)reference.Attribute("name"));
                    break;
                case XElement child:
                    sb.Append(Text(child));
                    break;
            }
        }

        return Collapse(sb.ToString());
    }

    /// <summary>The text a see/seealso stands for: a cmdlet name, a type's short name, a URL or its own text.</summary>
    public string SeeText(XElement see)
    {
        var href = (string?)see.Attribute("href");
        if (href is not null)
        {
            return see.Value.Trim().Length > 0 ? see.Value.Trim() : href;
        }

        var cref = (string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? see.Value;
        var name = cref.Contains(':') ? cref.Substring(cref.IndexOf(':') + 1) : cref;
        return _cmdletNameOfType(name) ?? name.Split('.').Last();
    }

    private static string Collapse(string text) => Regex.Replace(text, @"\s+", " ").Trim();

    private static void Flush(StringBuilder loose, List<string> paragraphs)
    {
        AddIfAny(paragraphs, Collapse(loose.ToString()));
        loose.Clear();
    }

    private static void AddIfAny(List<string> paragraphs, string text)
    {
        if (text.Length > 0)
        {
            paragraphs.Add(text);
        }
    }
}
