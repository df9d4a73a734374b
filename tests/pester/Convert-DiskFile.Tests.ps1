BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Convert-DiskFile' {
    BeforeAll {
        $source = New-TestRawImage -SizeBytes 48MB -Write @(
            @{ Offset = 0; Value = 0x33; Length = 1MB },
            @{ Offset = 40MB; Value = 0x5A; Length = 4096 }
        )
    }

    It 'converts raw to <Format> with identical content' -ForEach @(
        @{ Format = 'Vhd' }, @{ Format = 'Vhdx' }, @{ Format = 'Qcow2' }, @{ Format = 'Vmdk' }
    ) {
        $target = (New-TestFolder -Name $Format) + '.out'
        Convert-DiskFile -Path $source -DestinationPath $target -Format $Format
        (Get-DiskFile $target).Format | Should -Be $Format
        (Compare-DiskFile -ReferencePath $source -DifferencePath $target).Identical | Should -BeTrue
    }

    It 'writes nothing unless -PassThru, then returns the result' {
        $target = (New-TestFolder) + '.qcow2'
        Convert-DiskFile -Path $source -DestinationPath $target -Format Qcow2 | Should -BeNullOrEmpty
        $result = Convert-DiskFile -Path $source -DestinationPath $target -Format Qcow2 -Force -PassThru
        $result | Should -BeOfType ([ImageOps.Engine.Disks.ConversionResult])
        $result.DataBytesWritten | Should -BeGreaterOrEqual (1MB + 4096)
        $result.DataBytesWritten | Should -BeLessThan 8MB
    }

    It 'converts every piped file beside itself: Get-ChildItem | Convert-DiskFile -Format Qcow2' {
        $folder = New-TestFolder -Name 'batch'
        $null = New-Item -ItemType Directory -Path $folder
        foreach ($n in 1..2) { Convert-DiskFile -Path $source -DestinationPath (Join-Path $folder "d$n.vhdx") -Format Vhdx }
        Get-ChildItem -Path (Join-Path $folder '*.vhdx') | Convert-DiskFile -Format Qcow2
        (Get-ChildItem -Path (Join-Path $folder '*.qcow2')).Name | Sort-Object | Should -Be @('d1.qcow2', 'd2.qcow2')
    }

    It 'writes a compressed QCOW2 and a streamOptimized VMDK' {
        $qcow = (New-TestFolder) + '.qcow2'
        Convert-DiskFile -Path $source -DestinationPath $qcow -Format Qcow2 -Compress
        (Compare-DiskFile $source $qcow).Identical | Should -BeTrue
        $vmdk = (New-TestFolder) + '.vmdk'
        Convert-DiskFile -Path $source -DestinationPath $vmdk -Profile Esxi
        (Get-DiskFile $vmdk).Subformat | Should -Be 'streamOptimized'
    }

    It 'applies the Azure profile: a fixed VHD of a whole number of MiB' {
        $odd = New-TestRawImage -SizeBytes (5MB + 512) -Write @{ Offset = 0; Value = 1; Length = 512 }
        $vhd = (New-TestFolder) + '.vhd'
        $result = Convert-DiskFile -Path $odd -DestinationPath $vhd -Profile Azure -PassThru
        $result.Format | Should -Be 'Vhd'
        $result.Variant | Should -Be 'Fixed'
        $result.CapacityBytes | Should -Be 6MB
    }

    It 'refuses options that contradict a profile' {
        { Convert-DiskFile -Path $source -DestinationPath ((New-TestFolder) + '.x') -Profile Azure -Format Qcow2 -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ProfileConflict' 'ConvertDiskFileCommand')
    }

    It 'refuses an existing destination unless -Force' {
        $target = (New-TestFolder) + '.vhdx'
        Convert-DiskFile -Path $source -DestinationPath $target -Format Vhdx
        { Convert-DiskFile -Path $source -DestinationPath $target -Format Vhdx -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DiskFileExists' 'ConvertDiskFileCommand')
    }

    It 'converts only the top layer onto a backing image' {
        $base = (New-TestFolder -Name 'base') + '.vhdx'
        Convert-DiskFile -Path $source -DestinationPath $base -Format Vhdx
        $folder = Split-Path $base
        $child = Join-Path $folder 'child.vhdx'
        $null = New-DiskFile -Path $child -Format Vhdx -ParentPath $base
        $baseQcow = Join-Path $folder 'base.qcow2'
        Convert-DiskFile -Path $base -DestinationPath $baseQcow -Format Qcow2
        $childQcow = Join-Path $folder 'child.qcow2'
        $result = Convert-DiskFile -Path $child -DestinationPath $childQcow -Format Qcow2 -BackingPath $baseQcow -PassThru
        $result.Variant | Should -Be 'Differencing'
        (Get-DiskFile $childQcow).Chain | Should -HaveCount 2
        (Compare-DiskFile $child $childQcow).Identical | Should -BeTrue
    }

    It 'creates nothing with -WhatIf' {
        $target = (New-TestFolder) + '.qcow2'
        Convert-DiskFile -Path $source -DestinationPath $target -Format Qcow2 -WhatIf
        $target | Should -Not -Exist
    }
}
