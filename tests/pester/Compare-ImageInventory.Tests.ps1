BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Compare-ImageInventory' {
    BeforeAll {
        $november = New-TestSampleImage -Name 'november'
        $december = New-TestSampleImage -Name 'december' -Parameters @{ Ubr = 2605; EditionId = 'Enterprise' }
    }

    It 'shows the build and edition that changed between two images' {
        if ($december.SkipReason) { Set-ItResult -Skipped -Because $december.SkipReason }
        $result = Compare-ImageInventory -ReferencePath $november.Path -DifferencePath $december.Path
        $result | Should -BeOfType ([ImageOps.Engine.Inventory.ImageInventoryComparison])
        $result.Identical | Should -BeFalse
        $build = $result.Changes | Where-Object Subject -eq 'Build'
        $build.Change | Should -Be 'Updated'
        $build.ReferenceValue | Should -Be '26100.2314'
        $build.DifferenceValue | Should -Be '26100.2605'
        ($result.Changes | Where-Object Subject -eq 'EditionId').DifferenceValue | Should -Be 'Enterprise'
        $result.Summary | Should -BeLike 'Build 26100.2314 -> 26100.2605*'
        ($result | Out-String) | Should -BeLike '*Summary*Build*Updated*'
    }

    It 'finds an image identical to itself' {
        if ($november.SkipReason) { Set-ItResult -Skipped -Because $november.SkipReason }
        $result = Compare-ImageInventory $november.Path $november.Path
        $result.Identical | Should -BeTrue
        $result.Changes | Should -HaveCount 0
        $result.Summary | Should -Be 'No changes.'
    }

    It 'compares inventories taken earlier, the newer one from the pipeline' {
        if ($december.SkipReason) { Set-ItResult -Skipped -Because $december.SkipReason }
        $before = Get-ImageInventory $november.Path
        $result = Get-ImageInventory $december.Path | Compare-ImageInventory -ReferenceObject $before
        $result.ReferencePath | Should -Be $november.Path
        $result.DifferencePath | Should -Be $december.Path
        ($result.Changes | Where-Object Subject -eq 'Build').Change | Should -Be 'Updated'

        # Positional inventories bind to the object set (exact type first), not to the paths.
        (Compare-ImageInventory $before (Get-ImageInventory $december.Path)).Summary | Should -BeLike 'Build 26100.2314 -> 26100.2605*'
    }

    It 'reports disk changes between disks without Windows' {
        $a = (New-TestFolder -Name 'a') + '.vhdx'
        $b = (New-TestFolder -Name 'b') + '.qcow2'
        $null = New-DiskFile -Path $a -Format Vhdx -SizeBytes 32MB
        $null = New-DiskFile -Path $b -Format Qcow2 -SizeBytes 64MB
        $result = Compare-ImageInventory -ReferencePath $a -DifferencePath $b
        $result.Identical | Should -BeFalse
        @($result.Changes | Where-Object Category -eq 'Disk').Property | Should -Be @('Format', 'CapacityBytes')
    }

    It 'writes DiskFileNotFound for a missing image' {
        $a = (New-TestFolder -Name 'present') + '.img'
        $null = New-DiskFile -Path $a -Format Raw -SizeBytes 8MB
        { Compare-ImageInventory $a (Join-Path $TestDrive 'none.img') -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'DiskFileNotFound' 'CompareImageInventoryCommand')
    }
}
