#
# Module manifest for ImageOps.
#
# ModuleVersion is stamped at packaging (build.ps1 -Task Package) from the cmdlet assembly, whose
# version comes from Directory.Build.props: the one source of the version. Do not edit it here.
#
@{
    RootModule           = 'ImageOps.PowerShell.dll'
    ModuleVersion        = '0.0.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '5d0f5e0c-3b8e-4f57-9a51-1c0e7d9b6a42'
    Author               = 'ImageOps contributors'
    CompanyName          = 'ImageOps'
    Copyright            = '(c) ImageOps contributors. All rights reserved.'
    Description          = 'Single-image desktop management: keep one gold image per OS, publish it into image pools, and deploy it to VDI, IDV and VOI desktops with the right drivers injected for each hardware model.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('ImageOps.format.ps1xml')

    # Explicit lists (never wildcards): a contract test checks CmdletsToExport against the assembly.
    CmdletsToExport      = @(
        'Add-DriverPackage'
        'Add-ImageDriver'
        'Compare-DiskFile'
        'Compare-ImageInventory'
        'Convert-DiskFile'
        'Export-DriverPackage'
        'Find-DriverPackage'
        'Get-DiskFile'
        'Get-DriverInf'
        'Get-DriverPackage'
        'Get-DriverProfile'
        'Get-ImageDriver'
        'Get-ImageInventory'
        'Get-ImagePool'
        'Measure-DiskFile'
        'Merge-DiskFile'
        'New-DiskFile'
        'New-DriverProfile'
        'New-ImagePool'
        'New-SampleWindowsImage'
        'Optimize-DiskFile'
        'Register-ImagePool'
        'Remove-DriverPackage'
        'Remove-DriverProfile'
        'Remove-ImageDriver'
        'Remove-ImagePool'
        'Resize-DiskFile'
        'Resolve-DriverSet'
        'Set-DriverProfile'
        'Set-ImagePool'
        'Test-DiskFile'
        'Test-DriverCoverage'
        'Unregister-ImagePool'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()

    PrivateData          = @{
        PSData = @{
            Tags         = @('VDI', 'Imaging', 'VHDX', 'QCOW2', 'Drivers', 'GoldImage', 'Deployment')
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
