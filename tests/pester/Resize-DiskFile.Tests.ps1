BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Resize-DiskFile' {
    It 'grows a <Format> disk' -ForEach @(@{ Format = 'Vhdx' }, @{ Format = 'Qcow2' }, @{ Format = 'Raw' }) {
        $path = (New-TestFolder) + '.disk'
        $null = New-DiskFile -Path $path -Format $Format -SizeBytes 16MB
        Resize-DiskFile -Path $path -SizeBytes 32MB | Should -BeNullOrEmpty
        (Get-DiskFile $path).CapacityBytes | Should -Be 32MB
    }

    It 'shrinks only with -AllowShrink' {
        $path = (New-TestFolder) + '.qcow2'
        $null = New-DiskFile -Path $path -Format Qcow2 -SizeBytes 32MB
        { Resize-DiskFile -Path $path -SizeBytes 16MB -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DiskShrinkNotAllowed' 'ResizeDiskFileCommand')
        (Resize-DiskFile -Path $path -SizeBytes 16MB -AllowShrink -PassThru).CapacityBytes | Should -Be 16MB
    }

    It 'changes nothing with -WhatIf' {
        $path = (New-TestFolder) + '.vhdx'
        $null = New-DiskFile -Path $path -Format Vhdx -SizeBytes 16MB
        Resize-DiskFile -Path $path -SizeBytes 32MB -WhatIf
        (Get-DiskFile $path).CapacityBytes | Should -Be 16MB
    }

    It 'refuses formats that cannot be resized' {
        $path = (New-TestFolder) + '.vmdk'
        $null = New-DiskFile -Path $path -Format Vmdk -SizeBytes 16MB
        { Resize-DiskFile -Path $path -SizeBytes 32MB -ErrorAction Stop } | Should -Throw
    }
}
