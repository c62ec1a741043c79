# The default table views at 80 columns (the width of a default console, a CI log, Out-String -Width 80): every
# header on one line and whole, the important columns present, their values whole.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:a, $script:b = Start-DsnTestNetwork -Prefix pv -Count 2
    Set-DsnData -Node $a -Key status -Value online -TimeToLive 00:10:00 -Confirm:$false
    Set-DsnData -Node $a -Key note -Value ('a long value that cannot fit in eighty columns together with the others ' * 2) -Confirm:$false
    $null = Wait-DsnData -Node $b -NodeId pv-a -Key note -Timeout 10

    # The lines of the table the default view makes at 80 columns, without blank lines.
    function Get-Table($InputObject) {
        ($InputObject | Out-String -Width 80) -split '\r?\n' | Where-Object { $_.Trim() }
    }

    # The rendered row whose first column is $First (the table lines after the header and its underline).
    function Get-Row([string[]] $Table, [string] $First) {
        $Table | Select-Object -Skip 2 | Where-Object { $_ -match "^$([regex]::Escape($First))\s" }
    }
}

AfterAll {
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'The default view at 80 columns of <Command>' -ForEach @(
    @{ Command = 'Get-DsnData'; Headers = 'NodeId', 'Key', 'Status', 'Age', 'Expires', 'Value' }
    @{ Command = 'Get-DsnPeer'; Headers = 'NodeId', 'Status', 'Local', 'Keys', 'LastChange', 'LastHeard', 'EndPoint' }
    @{ Command = 'Get-DsnNode'; Headers = 'NodeId', 'IsRunning', 'LocalEndPoint', 'AdvertisedEndPoint' }
) {
    BeforeAll {
        $script:table = Get-Table (& $Command)
    }

    It 'fits: no line is wider than 80 characters' {
        $table | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 -Because "'$_' is a line of the table" }
    }

    It 'has every header whole, on one line, in order' {
        $table[0] | Should -Match ('^' + ($Headers -join '\s+') + '\s*$')
        $table[1] | Should -Match '^-+(\s+-+)*\s*$'
        @($table[1] -split '\s+' | Where-Object { $_ }).Count | Should -Be $Headers.Count
    }
}

Describe 'Values in the default views at 80 columns' {
    It 'Get-DsnData shows NodeId, Key, Status, Age and the lease''s end whole, and cuts only a long value' {
        $table = Get-Table (Get-DsnData -Node $b -NodeId pv-a)
        $entry = Get-DsnData -Node $b -NodeId pv-a -Key status
        $row = Get-Row $table 'pv-a' | Where-Object { $_ -match '\sstatus\s' }
        $row | Should -Match ('^pv-a\s+status\s+Alive\s+\d+s\s+' + [regex]::Escape($entry.ExpiresAt.LocalDateTime.ToString('HH:mm:ss')) + '\s+online$')
        $long = Get-Row $table 'pv-a' | Where-Object { $_ -match '\snote\s' }
        $long | Should -Match '^pv-a\s+note\s+Alive\s+\d+s\s+a long value.*…$'
    }

    It 'Get-DsnData keeps Version for scripts and Format-List, whole' {
        $entry = Get-DsnData -Node $b -NodeId pv-a -Key status
        $entry.Version.ToString().Length | Should -BeGreaterOrEqual 16
        ($entry | Format-List | Out-String -Width 80) | Should -BeLike "*Version*: $($entry.Version)*"
    }

    It 'Get-DsnPeer shows Status, Local, Keys, LastChange, LastHeard and EndPoint whole' {
        $table = Get-Table (Get-DsnPeer -Node $b)
        foreach ($peer in Get-DsnPeer -Node $b) {
            $expected = '^{0}\s+{1}\s+{2}\s+{3}\s+{4}\s+\d\d:\d\d:\d\d\s+{5}$' -f [regex]::Escape($peer.NodeId), $peer.Status, $peer.IsLocal, $peer.KeyCount,
                [regex]::Escape($peer.LastChange.LocalDateTime.ToString('MM-dd HH:mm:ss')), [regex]::Escape($peer.EndPoint.ToString())
            Get-Row $table $peer.NodeId | Should -Match $expected
        }
    }

    It 'Get-DsnNode shows both endpoints whole' {
        $table = Get-Table (Get-DsnNode)
        foreach ($node in $a, $b) {
            $endpoint = [regex]::Escape($node.LocalEndPoint.ToString())
            Get-Row $table $node.NodeId | Should -Match "^$($node.NodeId)\s+True\s+$endpoint\s+$([regex]::Escape($node.AdvertisedEndPoint.ToString()))$"
        }
    }

    It 'Send-DsnData -PassThru shows the recipient, the bytes and the round trip' {
        $table = Get-Table (Send-DsnData -Node $a -NodeId pv-b -Text hello -PassThru -Confirm:$false)
        $table[0] | Should -Match '^NodeId\s+Bytes\s+RoundTrip\(ms\)$'
        Get-Row $table 'pv-b' | Should -Match '^pv-b\s+5\s+\d+\.\d$'
    }
}
