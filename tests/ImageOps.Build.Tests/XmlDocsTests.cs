using System.IO;
using System.Linq;
using System.Xml.Linq;
using ImageOps.Build.Help;
using ImageOps.Tests;

namespace ImageOps.Build.Tests;

public class XmlDocsTests
{
    private const string Docs = """
        <?xml version="1.0"?>
        <doc>
          <members>
            <member name="T:Ns.GetThingCommand">
              <summary>Gets   the
                 things.</summary>
              <remarks>
                <para>First <c>para</c> with a <see cref="T:Ns.SetThingCommand"/> link.</para>
                <para>Second para mentions <see cref="T:Ns.Engine.ThingInfo"/> and <see href="https://example.org/doc">the doc</see>.</para>
              </remarks>
              <example>
                <code>
                    Get-Thing -Name a
                      | Format-List
                </code>
                <para>Shows a.</para>
              </example>
              <seealso cref="T:Ns.SetThingCommand"/>
            </member>
            <member name="P:Ns.GetThingCommand.Name">
              <summary>Loose text without para.</summary>
            </member>
          </members>
        </doc>
        """;

    [Fact]
    public void Paragraphs_are_split_collapsed_and_references_resolved()
    {
        using var dir = new TempFolder();
        var file = dir.Combine("Ns.xml");
        File.WriteAllText(file, Docs);
        var docs = new XmlDocs(new[] { file }, type => type == "Ns.SetThingCommand" ? "Set-Thing" : null);

        Assert.Equal(new[] { "Gets the things." }, docs.Paragraphs("T:Ns.GetThingCommand", "summary"));
        Assert.Equal(
            new[] { "First para with a Set-Thing link.", "Second para mentions ThingInfo and the doc." },
            docs.Paragraphs("T:Ns.GetThingCommand", "remarks"));
        Assert.Equal(new[] { "Loose text without para." }, docs.Paragraphs("P:Ns.GetThingCommand.Name", "summary"));
        Assert.Empty(docs.Paragraphs("T:Ns.Missing", "summary"));

        var code = docs.Member("T:Ns.GetThingCommand")!.Element("example")!.Element("code")!;
        Assert.Equal("Get-Thing -Name a\n  | Format-List", XmlDocs.Code(code));
        Assert.Equal("Set-Thing", docs.SeeText(docs.Member("T:Ns.GetThingCommand")!.Element("seealso")!));
    }

    [Fact]
    public void A_doc_file_with_a_DTD_is_refused()
    {
        using var dir = new TempFolder();
        var file = dir.Combine("Evil.xml");
        File.WriteAllText(file, "<?xml version=\"1.0\"?><!DOCTYPE doc [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><doc><members/></doc>");
        Assert.ThrowsAny<System.Xml.XmlException>(() => new XmlDocs(new[] { file }, _ => null));
    }
}
