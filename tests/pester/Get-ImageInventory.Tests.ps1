BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-ImageOpsTestModule
}

Describe 'Get-ImageInventory' {
    BeforeAll {
        $win11 = New-TestSampleImage -Name 'win11'
    }

    It 'reads the version, build, architecture, boot mode and drivers of a Windows 11 image' {
        if ($win11.SkipReason) { Set-ItResult -Skipped -Because $win11.SkipReason }
        $inventory = Get-ImageInventory -Path $win11.Path
        $inventory | Should -BeOfType ([ImageOps.Engine.Inventory.ImageInventory])
        $inventory.Path | Should -Be $win11.Path
        $inventory.BootMode | Should -Be 'Uefi'
        $inventory.Disk.PartitionScheme | Should -Be 'Gpt'
        $inventory.Problems | Should -HaveCount 0
        $inventory.Installations | Should -HaveCount 1
        $windows = $inventory.Installations[0]
        $windows.OperatingSystem | Should -Be 'Windows 11 Pro'
        $windows.ProductName | Should -Be 'Windows 10 Pro'
        $windows.DisplayVersion | Should -Be '24H2'
        $windows.Build | Should -Be '26100.2314'
        $windows.Architecture | Should -Be 'Amd64'
        $windows.Drivers | Should -HaveCount 5
        $thirdParty = @($windows.Drivers | Where-Object Origin -eq 'ThirdParty')
        $thirdParty.PublishedName | Sort-Object | Should -Be @('oem0.inf', 'oem1.inf')
        ($windows.Drivers | Where-Object PublishedName -eq 'oem0.inf').OriginalName | Should -Be 'netkvm.inf'
    }

    It 'takes files from Get-ChildItem through PSPath' {
        if ($win11.SkipReason) { Set-ItResult -Skipped -Because $win11.SkipReason }
        (Get-Item -LiteralPath $win11.Path | Get-ImageInventory).Path | Should -Be $win11.Path
    }

    It 'reads a Windows 7 BIOS image from its INF folder' {
        $win7 = New-TestSampleImage -Name 'win7' -Extension '.qcow2' -Parameters @{ Format = 'Qcow2'; Build = 7601; Ubr = 24214; Bios = $true }
        if ($win7.SkipReason) { Set-ItResult -Skipped -Because $win7.SkipReason }
        $inventory = Get-ImageInventory -LiteralPath $win7.Path
        $inventory.Disk.Format | Should -Be 'Qcow2'
        $inventory.BootMode | Should -Be 'Bios'
        $windows = $inventory.Installations[0]
        $windows.Version | Should -Be '6.1'
        $windows.Build | Should -Be '7601.24214'
        $windows.HasDriverDatabase | Should -BeFalse
        $windows.Drivers.Source | Sort-Object -Unique | Should -Be 'InfFolder'
    }

    It 'shows a table and converts to JSON' {
        if ($win11.SkipReason) { Set-ItResult -Skipped -Because $win11.SkipReason }
        $inventory = Get-ImageInventory $win11.Path
        ($inventory | Out-String) | Should -BeLike '*Windows 11 Pro*26100.2314*Uefi*'
        ($inventory.Installations[0].Drivers | Out-String) | Should -BeLike '*netkvm.inf*Red Hat*'
        ($inventory | ConvertTo-Json -Depth 8 | ConvertFrom-Json).Installations[0].Build | Should -Be '26100.2314'
    }

    It 'reports a disk without Windows instead of failing' {
        $blank = (New-TestFolder -Name 'blank') + '.vhdx'
        $null = New-DiskFile -Path $blank -Format Vhdx -SizeBytes 64MB
        $inventory = Get-ImageInventory -Path $blank -ErrorAction Stop
        $inventory.Installations | Should -HaveCount 0
        $inventory.BootMode | Should -Be 'Unknown'
        $inventory.Problems[0].Id | Should -Be 'WindowsNotFound'
    }

    It 'writes PathNotFound for a path that does not exist' {
        { Get-ImageInventory -LiteralPath (Join-Path $TestDrive 'none.vhdx') -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'PathNotFound' 'GetImageInventoryCommand')
    }

    It 'refuses a recognised but unsupported format by name' {
        $bochs = (New-TestFolder -Name 'bochs') + '.img'
        [System.IO.File]::WriteAllBytes($bochs, [System.Text.Encoding]::ASCII.GetBytes('Bochs Virtual HD Image') + [byte[]]::new(1000))
        { Get-ImageInventory -Path $bochs -ErrorAction Stop } |
            Should -Throw -ErrorId (Get-ErrorIdFor 'ImageFormatNotSupported' 'GetImageInventoryCommand')
    }

    It 'goes on with the next file after one fails' {
        $blank = (New-TestFolder -Name 'ok') + '.img'
        $null = New-DiskFile -Path $blank -Format Raw -SizeBytes 16MB
        $missing = Join-Path $TestDrive 'missing.img'
        $results = Get-ImageInventory -LiteralPath $missing, $blank -ErrorAction SilentlyContinue -ErrorVariable failures
        $results | Should -HaveCount 1
        $failures | Should -HaveCount 1
    }
}
