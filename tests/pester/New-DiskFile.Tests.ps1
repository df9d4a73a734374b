BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'New-DiskFile' {
    It 'creates a dynamic <Format> disk of the given size' -ForEach @(
        @{ Format = 'Vhd' }, @{ Format = 'Vhdx' }, @{ Format = 'Qcow2' }, @{ Format = 'Vmdk' }, @{ Format = 'Raw' }
    ) {
        $path = (New-TestFolder -Name $Format) + '.disk'
        $info = New-DiskFile -Path $path -Format $Format -SizeBytes 64MB
        $info.Format | Should -Be $Format
        $info.CapacityBytes | Should -Be 64MB
        $info.AllocatedBytes | Should -Be 0
        $path | Should -Exist
    }

    It 'creates a fixed VHD whose file holds the whole disk' {
        $path = (New-TestFolder -Name 'fixed') + '.vhd'
        $info = New-DiskFile -Path $path -Format Vhd -Fixed -SizeBytes 16MB
        $info.Variant | Should -Be 'Fixed'
        (Get-Item $path).Length | Should -BeGreaterOrEqual 16MB
    }

    It 'creates a differencing disk that takes its parent''s size' {
        $parent = (New-TestFolder -Name 'parent') + '.qcow2'
        $null = New-DiskFile -Path $parent -Format Qcow2 -SizeBytes 32MB
        $child = Join-Path (Split-Path $parent) 'child.qcow2'
        $info = New-DiskFile -Path $child -Format Qcow2 -ParentPath $parent
        $info.Variant | Should -Be 'Differencing'
        $info.CapacityBytes | Should -Be 32MB
        $info.ParentReference | Should -Be (Split-Path $parent -Leaf)
    }

    It 'creates nothing with -WhatIf' {
        $path = (New-TestFolder) + '.vhdx'
        New-DiskFile -Path $path -Format Vhdx -SizeBytes 1GB -WhatIf | Should -BeNullOrEmpty
        $path | Should -Not -Exist
    }

    It 'refuses an existing file unless -Force' {
        $path = (New-TestFolder) + '.vhdx'
        $null = New-DiskFile -Path $path -Format Vhdx -SizeBytes 8MB
        { New-DiskFile -Path $path -Format Vhdx -SizeBytes 16MB -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DiskFileExists' 'NewDiskFileCommand')
        (New-DiskFile -Path $path -Format Vhdx -SizeBytes 16MB -Force).CapacityBytes | Should -Be 16MB
    }

    It 'refuses a size the format cannot hold' {
        { New-DiskFile -Path ((New-TestFolder) + '.vhd') -Format Vhd -SizeBytes 3TB -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DiskTooLarge' 'NewDiskFileCommand')
        { New-DiskFile -Path ((New-TestFolder) + '.vhdx') -Format Vhdx -SizeBytes 1000 -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DiskSizeInvalid' 'NewDiskFileCommand')
    }

    It 'refuses a block size the format cannot take, and leaves no file' {
        $path = (New-TestFolder) + '.vhdx'
        { New-DiskFile -Path $path -Format Vhdx -SizeBytes 16MB -BlockSizeBytes 1000 -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DiskClusterSizeNotSupported' 'NewDiskFileCommand')
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'has four parameter sets: Dynamic (default), Fixed, Differencing and Capture' {
        $command = Get-Command New-DiskFile
        $command.DefaultParameterSet | Should -Be 'Dynamic'
        ($command.ParameterSets.Name | Sort-Object) | Should -Be @('Capture', 'Differencing', 'Dynamic', 'Fixed')
    }
}

Describe 'New-DiskFile -CapturePath' {
    It 'captures a disk file sector by sector into <Format>' -ForEach @(
        @{ Format = 'Vhdx' }, @{ Format = 'Vhd' }, @{ Format = 'Qcow2' }, @{ Format = 'Vmdk' }
    ) {
        $source = New-TestRawImage -Write @(@{ Offset = 0; Value = 0x11; Length = 4096 }, @{ Offset = 9MB; Value = 0x22; Length = 65536 })
        $path = (New-TestFolder -Name $Format) + '.disk'
        $result = New-DiskFile -Path $path -Format $Format -CapturePath $source
        $result | Should -BeOfType ([ImageOps.Engine.Disks.CaptureResult])
        $result.Format | Should -Be $Format
        $result.UsedOnly | Should -BeFalse
        $result.CapacityBytes | Should -Be 16MB
        $result.DestinationPath | Should -Be $path
        (Compare-DiskFile -ReferencePath $source -DifferencePath $path).Identical | Should -BeTrue
        (Test-DiskFile -Path $path).Status | Should -BeIn @('Clean', 'NotSupported')
    }

    It 'captures a disk of another format, with -UsedOnly copying by sector what is not NTFS' {
        $raw = New-TestRawImage -Write @{ Offset = 1MB; Value = 0x5A; Length = 8192 }
        $qcow2 = (New-TestFolder -Name 'source') + '.qcow2'
        Convert-DiskFile -Path $raw -DestinationPath $qcow2 -Format Qcow2
        $path = (New-TestFolder -Name 'used') + '.vhdx'
        $result = New-DiskFile -Path $path -Format Vhdx -CapturePath $qcow2 -UsedOnly
        $result.UsedOnly | Should -BeTrue
        $result.FreeBytesSkipped | Should -Be 0
        $result.Volumes[0].Method | Should -Be 'AllSectors'
        $result.Volumes[0].FileSystem | Should -BeNullOrEmpty
        (Compare-DiskFile -ReferencePath $raw -DifferencePath $path).Identical | Should -BeTrue
    }

    It 'compresses the capture with -Compress' {
        $source = New-TestRawImage -SizeBytes 32MB -Write @{ Offset = 0; Value = 0x33; Length = 8MB }
        $path = (New-TestFolder) + '.qcow2'
        $result = New-DiskFile -Path $path -Format Qcow2 -CapturePath $source -Compress
        $result.FileSizeBytes | Should -BeLessThan 1MB
        (Compare-DiskFile $source $path).Identical | Should -BeTrue
    }

    It 'refuses a partition the disk does not have' {
        $source = New-TestRawImage -Write @{ Offset = 4096; Value = 1; Length = 512 }
        { New-DiskFile -Path ((New-TestFolder) + '.vhdx') -Format Vhdx -CapturePath $source -Partition 2 -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'PartitionNotFound' 'NewDiskFileCommand')
    }

    It 'refuses an existing destination unless -Force' {
        $source = New-TestRawImage -Write @{ Offset = 0; Value = 7; Length = 512 }
        $path = (New-TestFolder) + '.vhdx'
        $null = New-DiskFile -Path $path -Format Vhdx -SizeBytes 8MB
        { New-DiskFile -Path $path -Format Vhdx -CapturePath $source -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DiskFileExists' 'NewDiskFileCommand')
        (New-DiskFile -Path $path -Format Vhdx -CapturePath $source -Force).CapacityBytes | Should -Be 16MB
    }

    It 'captures nothing with -WhatIf' {
        $source = New-TestRawImage
        $path = (New-TestFolder) + '.vhdx'
        New-DiskFile -Path $path -Format Vhdx -CapturePath $source -UsedOnly -WhatIf | Should -BeNullOrEmpty
        $path | Should -Not -Exist
    }

    It 'takes neither -SizeBytes nor -ParentPath with -CapturePath' {
        $source = New-TestRawImage
        { New-DiskFile -Path ((New-TestFolder) + '.vhdx') -Format Vhdx -CapturePath $source -SizeBytes 1GB -ErrorAction Stop } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,ImageOps.PowerShell.Commands.NewDiskFileCommand'
    }
}
