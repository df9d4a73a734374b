using System;
using System.Linq;
using System.Management.Automation;
using ImageOps.Engine.Injection;

namespace ImageOps.PowerShell.Commands;

/// <summary>Lists the drivers of an offline Windows image: in-box, installed, and staged by ImageOps with their first-boot status.</summary>
/// <remarks>
/// <para>Get-ImageDriver reads the Windows inside a virtual disk of any format or chain, without
/// writing it. In-box and installed (third-party, published as oemN.inf) packages come from the SYSTEM
/// hive's DriverDatabase (Windows 8 and later) or the INF folder (Windows 7). Packages that
/// Add-ImageDriver staged are listed with their first-boot status, read from the installer's log inside
/// the image: Pending (the image has not booted since), Installed, NoDevice (in the driver store, no
/// device uses it), Failed (to be retried at the next boot) or Quarantined (it failed three times and is
/// not tried again).</para>
/// </remarks>
/// <example>
/// <code>Get-ImageDriver .\gold.vhdx | Where-Object Kind -eq Staged</code>
/// <para>Shows what ImageOps staged in an image and whether Windows installed it.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem .\desktops\*.qcow2 | Get-ImageDriver -Kind Installed</code>
/// <para>Lists the third-party drivers of several images.</para>
/// </example>
/// <seealso cref="AddImageDriverCommand"/>
/// <seealso cref="RemoveImageDriverCommand"/>
[Cmdlet(VerbsCommon.Get, "ImageDriver", DefaultParameterSetName = ByPath)]
[OutputType(typeof(ImageDriverInfo))]
public sealed class GetImageDriverCommand : DiskFileCmdlet
{
    /// <summary>
    /// <para>Only drivers of these kinds: InBox, Installed, Staged.</para>
    /// </summary>
    [Parameter]
    public ImageDriverKind[]? Kind { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var roots = ResolvedParentSearchPaths();
        foreach (var image in DiskFiles())
        {
            if (TryInvoke(image, context => new DriverInjectionService().GetDrivers(image, null, roots, context), out var drivers))
            {
                foreach (var driver in drivers.Where(d => Kind is null || Kind.Contains(d.Kind)))
                {
                    WriteObject(driver);
                }
            }
        }
    }
}
