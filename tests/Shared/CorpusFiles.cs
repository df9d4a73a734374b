using System.IO;
using System.IO.Compression;

namespace ImageOps.Tests;

/// <summary>Files of the shared corpus, decompressed into a test folder (the corpus keeps upstream's .bz2/.gz).</summary>
public static class CorpusFiles
{
    /// <summary>The path of <paramref name="relative"/> inside the corpus (fails under CI if the corpus is missing).</summary>
    public static string Path(string relative) => System.IO.Path.Combine(External.Corpus(), relative);

    /// <summary>Decompresses a corpus disk sample into <paramref name="folder"/> and returns its path.</summary>
    public static string Disk(string name, TempFolder folder)
    {
        var source = Path(System.IO.Path.Combine("disks", name));
        var target = folder.Combine(System.IO.Path.GetFileNameWithoutExtension(name));
        if (name.EndsWith(".gz", System.StringComparison.Ordinal))
        {
            using var input = new GZipStream(File.OpenRead(source), CompressionMode.Decompress);
            using var output = File.Create(target);
            input.CopyTo(output);
        }
        else if (name.EndsWith(".bz2", System.StringComparison.Ordinal))
        {
            // .NET has no bzip2; the bzip2 tool is part of every Debian install (and .ci/run asks for it).
            var copy = target + ".bz2";
            File.Copy(source, copy);
            ProcessRunner.Run(External.Tool("bzip2"), System.TimeSpan.FromMinutes(1), "-d", copy).EnsureSuccess("bzip2 -d");
        }
        else
        {
            File.Copy(source, target);
        }

        return target;
    }
}
