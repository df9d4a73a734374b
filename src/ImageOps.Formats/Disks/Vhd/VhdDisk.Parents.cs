using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// The parent of a differencing disk: locators decoded and tried in order through the open context.
/// </summary>
internal sealed partial class VhdDisk
{
    /// <summary>
    /// Opens the parent through the open context, trying the locators in the order Windows does:
    /// relative (W2ru, then the deprecated Wi2r) before absolute (W2ku, Wi2k), then a MacX file URL,
    /// and last the bare Parent Unicode Name beside the child. Only "not found" and "refused" move on
    /// to the next candidate; an identity mismatch or a corrupt parent stops the search.
    /// </summary>
    private void OpenParent(DiskOpenContext context)
    {
        var header = _header!;
        var candidates = new List<string>();
        var skipped = new List<string>();
        for (var i = 0; i < VhdDynamicHeader.ParentLocatorCount; i++)
        {
            // Every locator's data is metadata that writes must not overwrite, even one ImageOps cannot
            // use (a Mac alias); its reserved space is bounded by the file, so a hostile Platform Data
            // Space cannot make every block "overlap" it.
            var locator = header.GetLocator(i);
            if (locator.IsUsed && locator.PlatformDataOffset < (ulong)Storage.Length)
            {
                var available = Storage.Length - (long)locator.PlatformDataOffset;
                _locatorRegions.Add(((long)locator.PlatformDataOffset, Math.Min(available, Math.Max(locator.PlatformDataLength, locator.ReservedBytes))));
            }

            if (locator.PlatformCode == VhdParentLocator.Mac)
            {
                skipped.Add("Mac : a Mac OS alias cannot be resolved");
            }
        }

        foreach (var code in new[] { VhdParentLocator.W2ru, VhdParentLocator.Wi2r, VhdParentLocator.W2ku, VhdParentLocator.Wi2k, VhdParentLocator.MacX })
        {
            for (var i = 0; i < VhdDynamicHeader.ParentLocatorCount; i++)
            {
                var locator = header.GetLocator(i);
                if (locator.PlatformCode != code)
                {
                    continue;
                }

                var text = ReadLocator(Storage, locator, out var why);
                if (text is null)
                {
                    skipped.Add($"{locator.PlatformName}: {why}");
                    continue;
                }

                if (!candidates.Contains(text))
                {
                    candidates.Add(text);
                }
            }
        }

        var name = header.ParentUnicodeName.Trim();
        if (name.Length > 0 && !candidates.Contains(name))
        {
            candidates.Add(name);
        }

        if (candidates.Count == 0)
        {
            var detail = skipped.Count == 0 ? "the differencing disk records no parent locator and no parent name" : "no parent locator is usable (" + string.Join("; ", skipped) + ")";
            throw Corrupt(Storage, VhdDynamicHeader.ParentLocatorsOffset, "parent locator", detail, "VhdParentLocatorMissing");
        }

        var expected = VhdIdentity.Format(header.ParentUniqueId, header.ParentTimeStamp);
        if (context.Options.SkipParents)
        {
            ParentLink = new ParentLink(candidates[0], expected);
            return;
        }

        ImageOpsException? first = null;
        foreach (var candidate in candidates)
        {
            var link = new ParentLink(candidate, expected);
            try
            {
                Parent = context.OpenParent(Storage, link, format: null);
                ParentLink = link;
                if (Parent is not null && Parent.Identity is null && header.ParentUniqueId != Guid.Empty && context.Options.VerifyParentIdentity)
                {
                    // The child names a VHD by its id, and the file found has no identity at all (a raw
                    // image, say): that is not the parent it was made from. (blktap's raw parents record
                    // a zero id and pass.)
                    throw new ImageOpsException("ParentIdentityMismatch", ErrorKind.InvalidResult, $"'{link.ResolvedPath}' is not the parent '{Storage.Name}' was made from: the child records the VHD {expected}, the file found is a {Parent.Format} image without an identity.", Storage.Name);
                }

                return;
            }
            catch (ImageOpsException ex) when (ex.ErrorId == "ParentNotFound" || ex.ErrorId == "ParentReferenceRefused")
            {
                first ??= ex;
            }
        }

        throw first!;
    }

    /// <summary>The text of a path locator, or null (with the reason) when it cannot be read or decoded.</summary>
    internal static string? ReadLocator(IBlockStorage storage, VhdParentLocator locator, out string why)
    {
        why = string.Empty;
        if (locator.PlatformCode == VhdParentLocator.Mac)
        {
            why = "a Mac OS alias cannot be resolved";
            return null;
        }

        if (locator.PlatformDataLength == 0 || locator.PlatformDataLength > MaxLocatorDataLength)
        {
            why = string.Format(CultureInfo.InvariantCulture, "its length {0} is not between 1 and {1} bytes", locator.PlatformDataLength, MaxLocatorDataLength);
            return null;
        }

        if (locator.PlatformDataOffset > (ulong)storage.Length || locator.PlatformDataLength > (ulong)storage.Length - locator.PlatformDataOffset)
        {
            why = string.Format(CultureInfo.InvariantCulture, "its data at offset {0} lies past the end of the file", locator.PlatformDataOffset);
            return null;
        }

        var bytes = new byte[locator.PlatformDataLength];
        storage.ReadExactly((long)locator.PlatformDataOffset, bytes, FormatName, "parent locator data");
        string text;
        switch (locator.PlatformCode)
        {
            case VhdParentLocator.W2ru:
            case VhdParentLocator.W2ku:
                text = System.Text.Encoding.Unicode.GetString(bytes, 0, bytes.Length & ~1);
                break;
            case VhdParentLocator.MacX:
                text = FileUrlToPath(System.Text.Encoding.UTF8.GetString(bytes));
                break;
            default:
                text = System.Text.Encoding.UTF8.GetString(bytes);
                break;
        }

        var nul = text.IndexOf('\0');
        text = (nul >= 0 ? text.Substring(0, nul) : text).Trim();
        if (text.Length == 0)
        {
            why = "it is empty";
            return null;
        }

        return text;
    }

    /// <summary>A MacX locator is a file URL (RFC 2396): file://host/path with %-escapes; the path is what the resolver judges.</summary>
    private static string FileUrlToPath(string url)
    {
        const string scheme = "file://";
        if (!url.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return url;
        }

        var rest = url.Substring(scheme.Length);
        var slash = rest.IndexOf('/');
        rest = slash >= 0 ? rest.Substring(slash) : string.Empty;
        try
        {
            return Uri.UnescapeDataString(rest);
        }
        catch (UriFormatException)
        {
            return rest;
        }
    }
}
