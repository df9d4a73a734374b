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

    It 'has three parameter sets: Dynamic (default), Fixed and Differencing' {
        $command = Get-Command New-DiskFile
        $command.DefaultParameterSet | Should -Be 'Dynamic'
        ($command.ParameterSets.Name | Sort-Object) | Should -Be @('Differencing', 'Dynamic', 'Fixed')
    }
}
