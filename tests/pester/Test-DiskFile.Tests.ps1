BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Test-DiskFile' {
    It 'reports a freshly written <Format> image as clean' -ForEach @(
        @{ Format = 'Qcow2' }, @{ Format = 'Vhdx' }, @{ Format = 'Vhd' }, @{ Format = 'Vmdk' }
    ) {
        $raw = New-TestRawImage -Write @{ Offset = 0; Value = 3; Length = 1MB }
        $image = (New-TestFolder) + '.img'
        Convert-DiskFile -Path $raw -DestinationPath $image -Format $Format
        $result = Test-DiskFile -Path $image
        $result | Should -BeOfType ([ImageOps.Engine.Disks.DiskCheckResult])
        $result.Status | Should -Be 'Clean'
        $result.Corruptions | Should -Be 0
    }

    It 'says a raw image has nothing to check' {
        (Test-DiskFile (New-TestRawImage)).Status | Should -Be 'NotSupported'
    }

    It 'asks before repairing and honours -WhatIf' {
        $image = (New-TestFolder) + '.qcow2'
        $null = New-DiskFile -Path $image -Format Qcow2 -SizeBytes 8MB
        $before = (Get-Item $image).LastWriteTimeUtc
        Test-DiskFile -Path $image -Repair -WhatIf | Should -BeNullOrEmpty
        (Get-Item $image).LastWriteTimeUtc | Should -Be $before
        (Test-DiskFile -Path $image -Repair -Confirm:$false).RepairRequested | Should -BeTrue
    }

    It 'checks every piped file and goes on after a damaged one' {
        $good = New-TestRawImage
        $damaged = (New-TestFolder -Name 'damaged') + '.qcow2'
        # A QCOW2 signature and version with the rest of the header cut off.
        [System.IO.File]::WriteAllBytes($damaged, [byte[]](0x51, 0x46, 0x49, 0xFB, 0, 0, 0, 3) + [byte[]]::new(24))
        $results = Get-Item -LiteralPath $damaged, $good | Test-DiskFile -ErrorAction SilentlyContinue -ErrorVariable err
        $results | Should -HaveCount 1
        $results[0].Path | Should -Be $good
        $err | Should -HaveCount 1
        $err[0].TargetObject | Should -Be $damaged
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }
}
