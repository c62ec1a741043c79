# Start-DsnNode -Discover: two processes on 127.0.0.1 find each other by multicast with no -Bootstrap at all. Each run
# uses its own UDP port and network key, so parallel runs ignore each other. Skipped, saying why, where multicast on
# the loopback interface is unavailable. Every wait is on a condition, never a sleep.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:modulePath = (Resolve-Path (Get-DsnTestModulePath)).Path
    Import-Module $modulePath -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:key = New-DsnKey
    $udp = New-Object System.Net.Sockets.UdpClient (New-Object System.Net.IPEndPoint ([System.Net.IPAddress]::Loopback), 0)
    $script:port = $udp.Client.LocalEndPoint.Port
    $udp.Dispose()

    $script:node = $null
    $script:skipReason = $null
    try {
        $script:node = Start-DsnNode -NodeId disc-parent -Key $key -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $TestDrive 'parent.identity') `
            -Discover -DiscoveryPort $port -Confirm:$false
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ([DateTime]::UtcNow -lt $deadline) {
            $counters = (Get-DsnNode -Statistics | Where-Object { $_.Name -like 'discovery.*' })
            if ($counters | Where-Object { $_.Name -in 'discovery.beacons.sent', 'discovery.send_failed' }) { break }
            Start-Sleep -Milliseconds 50 # polling a condition (the first beacon's outcome), not guessing a duration
        }
        if (-not (Get-DsnNode -Statistics | Where-Object Name -eq 'discovery.beacons.sent')) {
            $script:skipReason = 'multicast on the loopback interface is unreachable here'
        }
    }
    catch {
        if ($_.FullyQualifiedErrorId -notlike 'DsnBind*' -and $_.FullyQualifiedErrorId -notlike 'DsnAddressNotLocal*') { throw }
        $script:skipReason = "the discovery group cannot be joined here: $($_.Exception.Message)"
    }

    $script:childScript = Join-Path $TestDrive 'discover.ps1'
    Set-Content $childScript @'
param($ModulePath, $Key, $Port, $Dir)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Start-DsnNode -NodeId disc-child -Key $Key -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $Dir 'child.identity') -Discover -DiscoveryPort $Port -Confirm:$false | Out-Null
Set-DsnData -Key found -Value yes -Confirm:$false
Wait-DsnData -NodeId disc-parent -Key done -Value yes -Timeout 90 | Out-Null
'@
}

AfterAll {
    if ($child -and -not $child.HasExited) { $child.Kill() }
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'Start-DsnNode -Discover' {
    It 'finds a node in another process with no bootstrap list' {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
        $script:child = Start-DsnTestChild -Script $childScript -Name discover -Arguments @('-ModulePath', $modulePath, '-Key', $key, '-Port', $port, '-Dir', $TestDrive)
        try {
            (Wait-DsnData -NodeId disc-child -Key found -Value yes -Timeout 60).Value | Should -Be 'yes'
            (Get-DsnPeer -NodeId disc-child).Status | Should -Be 'Alive'
            Set-DsnData -Key done -Value yes -Confirm:$false
            $child.WaitForExit(60000) | Should -BeTrue
            $child.ExitCode | Should -Be 0
        }
        catch { throw "$_`n$(Get-DsnTestChildOutput -Name discover)" }
    }

    It 'refuses a group that is not multicast with DsnArgumentInvalid' {
        $record = Get-DsnTestError { Start-DsnNode -NodeId disc-bad -Key $key -Port 0 -BindAddress 127.0.0.1 -DiscoveryGroup 10.1.2.3 -IdentityPath (Join-Path $TestDrive 'bad.identity') -Confirm:$false }
        $record.FullyQualifiedErrorId | Should -Be (Get-DsnTestErrorId DsnNodeOptionInvalid Start-DsnNode)
        $record.Exception.Message | Should -Match 'multicast'
    }
}
