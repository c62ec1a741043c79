# Start-DsnNode -DataPath: a node restarted in the same session (as a rebooted machine's task would) gets its own
# state back with its versions, a peer sees nothing change, and a bad data file stops the start with a stable ErrorId.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:netKey = New-DsnKey
    $script:dataPath = Join-Path $TestDrive 'publisher'
    $script:monitor = Start-DsnTestNode -NodeId dp-monitor -Key $netKey
    function Start-Publisher {
        param([string] $Key = $script:netKey)
        Start-DsnNode -NodeId dp-publisher -Key $Key -Port 0 -BindAddress 127.0.0.1 -DataPath $script:dataPath `
            -Bootstrap "127.0.0.1:$($script:monitor.LocalEndPoint.Port)" -Confirm:$false
    }
}

AfterAll {
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'Start-DsnNode -DataPath' {
    It 'restores the node''s own keys and versions after a restart, and the monitor sees no change' {
        $publisher = Start-Publisher
        @{ status = 'ok'; load = '0.5' } | Set-DsnData -Node $publisher -Confirm:$false
        $null = Wait-DsnData -Node $monitor -NodeId dp-publisher -Key load -Value '0.5' -Timeout 10
        $before = Get-DsnData -Node $publisher -NodeId dp-publisher | Select-Object Key, Value, Version
        Stop-DsnNode -Node $publisher -Confirm:$false
        Join-Path $dataPath 'state.dsn' | Should -Exist
        Join-Path $dataPath 'identity.key' | Should -Exist

        $restarted = Start-Publisher
        try {
            $after = Get-DsnData -Node $restarted -NodeId dp-publisher | Select-Object Key, Value, Version
            ($after | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json)
            $null = Wait-DsnPeer -Node $monitor -NodeId dp-publisher -Status Alive -Timeout 10
            Set-DsnData -Node $restarted -Key load -Value '0.7' -Confirm:$false
            $null = Wait-DsnData -Node $monitor -NodeId dp-publisher -Key load -Value '0.7' -Timeout 10
            # The monitor holds the restored run as it was: the same version for the key not written since.
            (Get-DsnData -Node $monitor -NodeId dp-publisher -Key status).Version | Should -Be ($before | Where-Object Key -eq 'status').Version
        }
        finally {
            Stop-DsnNode -Node $restarted -Confirm:$false
        }
    }

    It 'refuses a data directory of another network with DsnDataFileOtherNetwork' {
        $other = New-DsnKey
        $record = Get-DsnTestError { Start-Publisher -Key $other }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnDataFileOtherNetwork Start-DsnNode)
        $record.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'refuses a damaged state file with DsnDataFileCorrupt' {
        $file = Join-Path $dataPath 'state.dsn'
        $bytes = [System.IO.File]::ReadAllBytes($file)
        $bytes[20] = $bytes[20] -bxor 0xFF
        [System.IO.File]::WriteAllBytes($file, $bytes)
        $record = Get-DsnTestError { Start-Publisher }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnDataFileCorrupt Start-DsnNode)
        $record.TargetObject | Should -Be $file
    }

    It 'refuses a data path that is a file with DsnNodeOptionInvalid' {
        $file = Join-Path $TestDrive 'a-file'
        Set-Content -Path $file -Value x
        $record = Get-DsnTestError { Start-DsnNode -NodeId dp-file -Key $netKey -Port 0 -BindAddress 127.0.0.1 -DataPath $file -Confirm:$false }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnNodeOptionInvalid Start-DsnNode)
    }
}
