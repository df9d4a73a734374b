BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Get-DiskFile' {
    BeforeAll {
        $raw = New-TestRawImage -SizeBytes 32MB -Write @{ Offset = 1MB; Value = 7; Length = 65536 }
    }

    It 'describes a raw image' {
        $info = Get-DiskFile -Path $raw
        $info | Should -BeOfType ([ImageOps.Engine.Disks.DiskFileInfo])
        $info.Format | Should -Be 'Raw'
        $info.CapacityBytes | Should -Be 32MB
        $info.AllocatedBytes | Should -BeGreaterOrEqual 65536
        $info.Chain | Should -HaveCount 1
        $info.Chain[0].ParentLink | Should -Be 'None'
    }

    It 'describes every image format it writes, detected from content' -ForEach @(
        @{ Format = 'Vhd' }, @{ Format = 'Vhdx' }, @{ Format = 'Qcow2' }, @{ Format = 'Vmdk' }
    ) {
        $target = (New-TestFolder -Name $Format) + '.bin'
        Convert-DiskFile -Path $raw -DestinationPath $target -Format $Format
        $info = Get-DiskFile -Path $target
        $info.Format | Should -Be $Format
        $info.CapacityBytes | Should -BeGreaterOrEqual 32MB
    }

    It 'reads a raw file that ends inside a sector as a disk of whole sectors, as qemu does' {
        $partial = New-TestRawImage -SizeBytes 1000
        (Get-DiskFile -Path $partial).CapacityBytes | Should -Be 1024
        $target = (New-TestFolder -Name 'partial') + '.vhdx'
        (Convert-DiskFile -Path $partial -DestinationPath $target -Format Vhdx -PassThru).CapacityBytes | Should -Be 1024
        (Get-Item -LiteralPath $partial).Length | Should -Be 1000
    }

    It 'takes files from Get-ChildItem through PSPath' {
        $infos = Get-Item -LiteralPath $raw | Get-DiskFile
        $infos.Path | Should -Be $raw
    }

    It 'expands wildcards' {
        $folder = New-TestFolder -Name 'many'
        $null = New-Item -ItemType Directory -Path $folder
        1..3 | ForEach-Object { Copy-Item -LiteralPath $raw -Destination (Join-Path $folder "d$_.img") }
        (Get-DiskFile -Path (Join-Path $folder '*.img')).Count | Should -Be 3
    }

    It 'reports a differencing disk''s chain' {
        $parent = (New-TestFolder -Name 'parent') + '.vhdx'
        Convert-DiskFile -Path $raw -DestinationPath $parent -Format Vhdx
        $child = Join-Path (Split-Path $parent) 'child.vhdx'
        $null = New-DiskFile -Path $child -Format Vhdx -ParentPath $parent
        $info = Get-DiskFile -Path $child
        $info.Variant | Should -Be 'Differencing'
        $info.Chain | Should -HaveCount 2
        $info.Chain[0].ParentLink | Should -Be 'Verified'
        $info.ParentPath | Should -Be $parent
    }

    It 'writes PathNotFound for a path that does not exist' {
        { Get-DiskFile -LiteralPath (Join-Path $TestDrive 'none.vhdx') -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'PathNotFound' 'GetDiskFileCommand')
    }

    It 'refuses a recognised but unsupported format by name' {
        $bochs = (New-TestFolder -Name 'bochs') + '.img'
        [System.IO.File]::WriteAllBytes($bochs, [System.Text.Encoding]::ASCII.GetBytes('Bochs Virtual HD Image') + [byte[]]::new(1000))
        { Get-DiskFile -Path $bochs -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImageFormatNotSupported' 'GetDiskFileCommand')
    }
}
