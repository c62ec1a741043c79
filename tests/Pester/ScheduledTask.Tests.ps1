# The scheduled-task pattern: a short-lived `pwsh -File publish.ps1` starts the same NodeId (same identity file) on
# every run, publishes its status and a run counter, and exits. A long-lived monitor in this session sees each
# run's values replace the last (one change per key, no removal of a key the new run writes again) and still reads
# them after the publisher exited. Conditions are awaited (Wait-DsnData, Wait-DsnPeer, Wait-Event), never slept.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:key = New-DsnKey
    $script:monitor = Start-DsnTestNode -NodeId st-monitor -Key $key
    Register-ObjectEvent -InputObject $monitor -EventName StateChanged -SourceIdentifier st.state

    $script:publish = Join-Path $TestDrive 'publish.ps1'
    Set-Content -Path $publish -Value @'
param($ModulePath, $Port, $Key, $IdentityPath, [int] $Run, [switch] $Stop)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$node = Start-DsnNode -NodeId st-publisher -Key $Key -Port 0 -BindAddress 127.0.0.1 -IdentityPath $IdentityPath -Bootstrap "127.0.0.1:$Port" -Confirm:$false
$status = @{ status = 'ok'; run = "$Run" }
if ($Run -eq 1) { $status['first-run-only'] = 'x' }
$status | Set-DsnData -Confirm:$false
if ($Stop) { Stop-DsnNode -Node $node -Confirm:$false }
'@

    function Invoke-Publish([int] $Run, [switch] $Stop) {
        $arguments = @((Get-DsnTestModulePath), $monitor.LocalEndPoint.Port, $key, (Join-Path $TestDrive 'publisher.identity'), $Run)
        if ($Stop) { $arguments += '-Stop' }
        $process = Start-DsnTestChild -Script $publish -Name "publish-$Run" -Arguments $arguments
        if (-not $process.WaitForExit(60000)) { $process.Kill(); throw "publish.ps1 run $Run did not end: $(Get-DsnTestChildOutput -Name "publish-$Run")" }
        if ($process.ExitCode -ne 0) { throw "publish.ps1 run $Run failed ($($process.ExitCode)): $(Get-DsnTestChildOutput -Name "publish-$Run")" }
    }

    # The publisher's StateChanged events, as 'key:old->new' ('' for none), once $Count of them have arrived.
    function Receive-Changes([int] $Count) {
        $changes = [Collections.Generic.List[string]]::new()
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ($changes.Count -lt $Count -and [DateTime]::UtcNow -lt $deadline) {
            $event = Wait-Event -SourceIdentifier st.state -Timeout 5
            if (-not $event) { continue }
            Remove-Event -EventIdentifier $event.EventIdentifier
            $e = $event.SourceEventArgs
            if ($e.NodeId -eq 'st-publisher') { $changes.Add("$($e.Key):$($e.OldValue)->$($e.NewValue)") }
        }
        , $changes.ToArray()
    }
}

AfterAll {
    Unregister-Event -SourceIdentifier st.state -ErrorAction SilentlyContinue
    Stop-DsnNode -NodeId st-* -Confirm:$false
}

Describe 'A publisher that runs again and again with the same NodeId' {
    It 'run 1 (exits without Stop-DsnNode): the monitor sees its values, and still reads them after it left' {
        Invoke-Publish -Run 1
        (Wait-DsnPeer -Node $monitor -NodeId st-publisher -Status Left -Timeout 30).Status | Should -Be 'Left'
        $changes = Receive-Changes -Count 3
        $changes | Sort-Object | Should -Be @('first-run-only:->x', 'run:->1', 'status:->ok')
        $state = Get-DsnData -Node $monitor -NodeId st-publisher
        ($state | Where-Object Key -eq run).Value | Should -Be '1'
        $state.Status | Select-Object -Unique | Should -Be 'Left'
    }

    It 'run 2 (with Stop-DsnNode): one change for the counter, none for the unchanged status, the dropped key removed once' {
        Invoke-Publish -Run 2 -Stop
        Wait-DsnData -Node $monitor -NodeId st-publisher -Key run -Value 2 -Timeout 30 | Out-Null
        (Wait-DsnPeer -Node $monitor -NodeId st-publisher -Status Left -Timeout 30).Status | Should -Be 'Left'
        $changes = Receive-Changes -Count 2
        $changes | Sort-Object | Should -Be @('first-run-only:x->', 'run:1->2')
        (Get-DsnData -Node $monitor -NodeId st-publisher -Key status).Value | Should -Be 'ok'
    }

    It 'run 3 (exits without Stop-DsnNode): the counter changes once, nothing vanishes, values stay readable' {
        Invoke-Publish -Run 3
        (Wait-DsnPeer -Node $monitor -NodeId st-publisher -Status Left -Timeout 30).Status | Should -Be 'Left'
        Receive-Changes -Count 1 | Should -Be @('run:2->3')
        $state = Get-DsnData -Node $monitor -NodeId st-publisher -AsHashtable
        $state.run | Should -Be '3'
        $state.status | Should -Be 'ok'
        $state.Keys | Sort-Object | Should -Be @('run', 'status')
        # Nothing else arrived for the publisher (a removal and re-addition would show here).
        Get-Event -SourceIdentifier st.state -ErrorAction SilentlyContinue |
            Where-Object { $_.SourceEventArgs.NodeId -eq 'st-publisher' } | Should -BeNullOrEmpty
    }
}
