# Two processes started with one identity file (a copied file: two machines, one identity). This Pester process runs
# the older twin; a child pwsh starts the newer one with the same -IdentityPath. The newer stops with the ErrorId
# DsnIdentityInUse (at Start-DsnNode, or at its next command if the clash is found after the join), the older keeps
# running and the network keeps its endpoint. Every step waits on a condition; the child is killed in AfterAll.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:modulePath = (Resolve-Path (Get-DsnTestModulePath)).Path
    Import-Module $modulePath -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:key = New-DsnKey
    $script:monitor = Start-DsnTestNode -NodeId ii-mon -Key $key
    $script:identity = Join-Path $TestDrive 'twin.identity'
    $script:older = Start-DsnNode -NodeId ii-twin -Key $key -Port 0 -BindAddress 127.0.0.1 -IdentityPath $identity `
        -Bootstrap "127.0.0.1:$($monitor.LocalEndPoint.Port)" -Confirm:$false
    $null = Wait-DsnPeer -Node $monitor -NodeId ii-twin -Timeout 20

    $script:childScript = Join-Path $TestDrive 'twin.ps1'
    Set-Content $childScript @'
param($ModulePath, $Key, $Bootstrap, $IdentityPath)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
try {
    $node = Start-DsnNode -NodeId ii-twin -Key $Key -Port 0 -BindAddress 127.0.0.1 -IdentityPath $IdentityPath -Bootstrap $Bootstrap -Confirm:$false
    # Joined before the clash was found: the node stops itself moments later, and says why.
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($node.IsRunning -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
    "Listed: $((Get-DsnNode).NodeId) running=$((Get-DsnNode).IsRunning) reason=$($node.StopReason.GetType().Name)"
    Set-DsnData -Key probe -Value x -Confirm:$false
    'ErrorId: none'
}
catch {
    "ErrorId: $($_.FullyQualifiedErrorId)"
    "Category: $($_.CategoryInfo.Category)"
    "Message: $($_.Exception.Message)"
}
'@
}

AfterAll {
    if ($script:child -and -not $child.HasExited) { Stop-Process -Id $child.Id -Force -ErrorAction SilentlyContinue }
    Stop-DsnNode -NodeId ii-* -Confirm:$false -ErrorAction SilentlyContinue
}

Describe 'Two processes with one identity file' {
    It 'stops the newer one with DsnIdentityInUse and keeps the older one' {
        $script:child = Start-DsnTestChild -Script $childScript -Name twin -Arguments @('-ModulePath', $modulePath, '-Key', $key,
            '-Bootstrap', "127.0.0.1:$($monitor.LocalEndPoint.Port)", '-IdentityPath', $identity)
        $child.WaitForExit(60000) | Should -BeTrue -Because (Get-DsnTestChildOutput twin | Out-String)
        $output = Get-Content (Join-Path $TestDrive 'twin.out.txt')
        $because = Get-DsnTestChildOutput twin | Out-String
        $errorId = ($output | Where-Object { $_ -like 'ErrorId: *' }) -replace '^ErrorId: ', ''
        $errorId | Should -BeIn @((Get-DsnTestErrorId DsnIdentityInUse Start-DsnNode), (Get-DsnTestErrorId DsnIdentityInUse Set-DsnData)) -Because $because
        $output | Should -Contain 'Category: ResourceExists' -Because $because
        ($output | Where-Object { $_ -like 'Message: *' }) | Should -BeLike "*runs at $($older.AdvertisedEndPoint)*" -Because $because
        if ($errorId -like '*SetDsnData*') {
            $output | Should -Contain 'Listed: ii-twin running=False reason=DsnIdentityInUseException' -Because $because
        }

        $older.IsRunning | Should -BeTrue
        $older.StopReason | Should -BeNullOrEmpty
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while ([DateTime]::UtcNow -lt $deadline -and "$((Get-DsnPeer -Node $monitor -NodeId ii-twin).EndPoint)" -ne "$($older.AdvertisedEndPoint)") {
            Start-Sleep -Milliseconds 20
        }
        $peer = Get-DsnPeer -Node $monitor -NodeId ii-twin
        "$($peer.EndPoint)" | Should -Be "$($older.AdvertisedEndPoint)"
        $peer.Status | Should -Be 'Alive'
    }
}
