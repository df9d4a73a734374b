using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Build.Help;
using ImageOps.Build.Packaging;

var assembly = new Option<string>("--assembly") { Description = "The cmdlet assembly.", Required = true };
var maml = new Option<string?>("--maml") { Description = "Where to write the MAML help file." };
var markdown = new Option<string?>("--markdown") { Description = "Folder for the Markdown pages." };
var help = new Command("help", "Generate cmdlet help from the XML doc comments.") { assembly, maml, markdown };
help.SetAction(parse =>
{
    var docs = HelpBuilder.Build(parse.GetRequiredValue(assembly));
    var undocumented = HelpLint.Problems(docs);
    foreach (var problem in undocumented)
    {
        Console.Error.WriteLine("imageops-build: error: " + problem);
    }

    if (undocumented.Count > 0)
    {
        return 1;
    }

    if (parse.GetValue(maml) is { } mamlPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(mamlPath))!);
        MamlWriter.Write(docs).Save(mamlPath);
    }

    if (parse.GetValue(markdown) is { } folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var doc in docs)
        {
            File.WriteAllText(Path.Combine(folder, doc.Cmdlet.Name + ".md"), MarkdownWriter.Page(doc), new UTF8Encoding(false));
        }

        File.WriteAllText(Path.Combine(folder, "README.md"), MarkdownWriter.Index(docs), new UTF8Encoding(false));
    }

    return 0;
});

var bin = new Option<string>("--bin") { Description = "The cmdlet project's build output folder.", Required = true };
var module = new Option<string>("--module") { Description = "The module source folder (psd1, format.ps1xml, en-US).", Required = true };
var output = new Option<string>("--output") { Description = "The artifacts folder.", Required = true };
var package = new Command("package", "Lay out artifacts/ImageOps/<version>/ ready for Import-Module.") { bin, module, output };
package.SetAction(parse =>
{
    var folder = ModulePackager.Package(parse.GetRequiredValue(bin), parse.GetRequiredValue(module), parse.GetRequiredValue(output));
    Console.WriteLine(folder);
    return 0;
});

var root = new RootCommand("ImageOps build tool: help generation and module packaging.") { help, package };
return root.Parse(args).Invoke();
