# A node still running when its pwsh process ends leaves gracefully (peers see Left, not Failed): when the script
# ends without Stop-DsnNode, and on SIGTERM (service stop, `kill`). A killed process (SIGKILL, which is also what
# Stop-Process sends on Unix, with or without -Force) cannot say goodbye and is detected as Failed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:key = New-DsnKey
    $script:monitor = Start-DsnTestNode -NodeId pe-monitor -Key $key

    # The child: joins the monitor, says it is ready (a token unique to the run), then ends or waits to be signalled.
    $script:child = Join-Path $TestDrive 'child.ps1'
    Set-Content -Path $child -Value @'
param($ModulePath, $Port, $Key, $NodeId, $IdentityPath, $Token, $Mode)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Start-DsnNode -NodeId $NodeId -Key $Key -Port 0 -BindAddress 127.0.0.1 -IdentityPath $IdentityPath -Bootstrap "127.0.0.1:$Port" -Confirm:$false | Out-Null
Set-DsnData -Key ready -Value $Token -Confirm:$false
if ($Mode -eq 'wait') { Wait-Event -SourceIdentifier 'pe.never' } # blocks until the process is signalled
'@

    function Start-Child([string] $NodeId, [string] $Mode) {
        $token = [guid]::NewGuid().ToString()
        $arguments = @((Get-DsnTestModulePath), $monitor.LocalEndPoint.Port, $key, $NodeId, (Join-Path $TestDrive "$NodeId.identity"), $token, $Mode)
        $process = Start-DsnTestChild -Script $child -Name $NodeId -Arguments $arguments
        try {
            Wait-DsnData -Node $monitor -NodeId $NodeId -Key ready -Value $token -Timeout 60 | Out-Null
        } catch {
            throw "The child $NodeId did not get ready: $_ $(Get-DsnTestChildOutput -Name $NodeId)"
        }
        $process
    }

    # Every status change of the children, to check that nothing (no Suspect, no Failed) came before Left.
    Register-ObjectEvent -InputObject $monitor -EventName PeerStatusChanged -SourceIdentifier pe.status
    function Get-StatusChanges([string] $NodeId) {
        @(Get-Event -SourceIdentifier pe.status -ErrorAction SilentlyContinue |
            Where-Object { $_.SourceEventArgs.NodeId -eq $NodeId } |
            ForEach-Object { "$($_.SourceEventArgs.OldStatus)->$($_.SourceEventArgs.NewStatus)" })
    }
}

AfterAll {
    Unregister-Event -SourceIdentifier pe.status -ErrorAction SilentlyContinue
    Stop-DsnNode -NodeId pe-* -Confirm:$false
}

Describe 'A pwsh process that ends with a node running' {
    It 'leaves gracefully when the script ends without Stop-DsnNode' {
        $process = Start-Child -NodeId pe-exit -Mode exit
        (Wait-DsnPeer -Node $monitor -NodeId pe-exit -Status Left -Timeout 30).Status | Should -Be 'Left'
        $process.WaitForExit(30000) | Should -BeTrue
        $process.ExitCode | Should -Be 0
        Get-StatusChanges pe-exit | Should -Be @('Alive->Left')
        (Get-DsnData -Node $monitor -NodeId pe-exit -Key ready).Status | Should -Be 'Left'
    }

    It 'leaves gracefully on SIGTERM' -Skip:($PSVersionTable.PSEdition -eq 'Desktop' -or $IsWindows) {
        $process = Start-Child -NodeId pe-term -Mode wait
        Send-DsnTestSignal -ProcessId $process.Id -Signal TERM
        (Wait-DsnPeer -Node $monitor -NodeId pe-term -Status Left -Timeout 30).Status | Should -Be 'Left'
        $process.WaitForExit(30000) | Should -BeTrue
        Get-StatusChanges pe-term | Should -Be @('Alive->Left')
    }

    It 'is detected as Failed when killed (Stop-Process -Force)' {
        $process = Start-Child -NodeId pe-kill -Mode wait
        Stop-Process -Id $process.Id -Force
        (Wait-DsnPeer -Node $monitor -NodeId pe-kill -Status Failed -Timeout 60).Status | Should -Be 'Failed'
        Get-StatusChanges pe-kill | Should -Not -Contain 'Alive->Left'
        # Its last state stays readable, flagged with the status.
        (Get-DsnData -Node $monitor -NodeId pe-kill -Key ready).Status | Should -Be 'Failed'
    }
}
