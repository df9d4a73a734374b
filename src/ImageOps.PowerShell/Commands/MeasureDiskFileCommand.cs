using System.Management.Automation;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Predicts the size of a disk file before converting it.</summary>
/// <remarks>
/// <para>Measure-DiskFile reads the source's allocation map (its whole chain) and reports how large
/// the converted file would be, like qemu-img measure: RequiredBytes for the data the source holds
/// (zeros skipped), and FullyAllocatedBytes if every byte of the virtual disk were written. Use it to
/// check a pool has room before a conversion or an export.</para>
/// <para>For compressed output the required size is an upper bound: compression usually does better.</para>
/// </remarks>
/// <example>
/// <code>Measure-DiskFile .\win11.vhdx -Format Qcow2</code>
/// <para>Shows how large the QCOW2 would be.</para>
/// </example>
/// <example>
/// <code>$need = (Measure-DiskFile .\gold.vhdx -Format Vhd -Variant Fixed).RequiredBytes; $need -lt (Get-ImagePool Azure).FreeBytes</code>
/// <para>Checks a pool has room for an Azure export.</para>
/// </example>
/// <seealso cref="ConvertDiskFileCommand"/>
[Cmdlet(VerbsDiagnostic.Measure, "DiskFile", DefaultParameterSetName = ByPath)]
[OutputType(typeof(DiskMeasureResult))]
public sealed class MeasureDiskFileCommand : DiskFileCmdlet
{
    /// <summary>
    /// <para>The format the conversion would write.</para>
    /// </summary>
    [Parameter(Mandatory = true)]
    public DiskFormat Format { get; set; }

    /// <summary>
    /// <para>Fixed or Dynamic output (Dynamic by default).</para>
    /// </summary>
    [Parameter]
    [ValidateSet("Fixed", "Dynamic")]
    public DiskVariant Variant { get; set; } = DiskVariant.Dynamic;

    /// <summary>
    /// <para>The output's allocation unit in bytes; the format's default when omitted.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(512, 256 * 1024 * 1024)]
    public uint BlockSizeBytes { get; set; }

    /// <summary>
    /// <para>Measures compressed output.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Compress { get; set; }

    /// <summary>
    /// <para>A format-specific output layout (VMDK streamOptimized, QCOW2 v2).</para>
    /// </summary>
    [Parameter]
    [ValidateSet("monolithicSparse", "streamOptimized", "v2", "v3")]
    public string? Subformat { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var service = Service;
        foreach (var file in DiskFiles())
        {
            if (TryInvoke(file, context => service.Measure(file, Format, Variant, BlockSizeBytes == 0 ? null : (int)BlockSizeBytes, Compress, Subformat, context: context), out var result))
            {
                WriteObject(result);
            }
        }
    }
}
