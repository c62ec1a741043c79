# Event handlers cannot hurt the node: a slow -Action on a node in another pwsh process does not make that node look
# dead while a peer bursts writes, and a subscriber that throws does not silence the others. Conditions are awaited
# (Wait-DsnPeer, Wait-DsnData, a polled condition with a deadline), never guessed with a fixed sleep.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-DsnTestModulePath) -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:key = New-DsnKey

    function Wait-EventHandlerCondition {
        # -Action blocks run between statements of this session, so polling also lets them run.
        param([Parameter(Mandatory)] [scriptblock] $Condition, [Parameter(Mandatory)] [string] $Description, [int] $TimeoutSec = 20)
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSec s waiting until $Description." }
            Start-Sleep -Milliseconds 20
        }
    }
}

AfterAll {
    Get-EventSubscriber | Where-Object SourceIdentifier -like 'eh.*' | Unregister-Event
    Stop-DsnNode -NodeId eh-* -Confirm:$false
}

# PowerShell 7.6.9 itself is fragile here: an idle pwsh whose -Action runs for a burst of events can die with "Cannot
# invoke pipeline because it has already been invoked" (PowerShell issue 24692); the dispatcher's pacing keeps enough
# pool workers spare that this and the flapping it caused were not seen in 12 runs (docs/reliability.md).
Describe 'A slow -Action handler in another process' {
    BeforeAll {
        $script:writer = Start-DsnTestNode -NodeId eh-writer -Key $key
        Register-ObjectEvent -InputObject $writer -EventName PeerStatusChanged -SourceIdentifier eh.status
        # The slow node, as a sysadmin runs it: its own pwsh, an -Action on StateChanged, then the session left idle at
        # its prompt (-NoExit; the prompt reads our redirected stdin). An idle session is the hard case: PowerShell then
        # runs each action from a thread-pool work item through a pulse pipeline, and parks workers in 100 ms sleeps.
        $slowScript = Join-Path $TestDrive 'slow.ps1'
        Set-Content -Path $slowScript -Value @'
param($ModulePath, $Key, $Port, $IdentityPath)
Import-Module $ModulePath
$node = Start-DsnNode -NodeId eh-slow -Key $Key -Port 0 -BindAddress 127.0.0.1 -IdentityPath $IdentityPath -Bootstrap "127.0.0.1:$Port" -Confirm:$false
$global:handled = 0
Register-ObjectEvent -InputObject $node -EventName StateChanged -Action { $global:handled++; Start-Sleep -Milliseconds 2 } | Out-Null
Set-DsnData -Node $node -Key ready -Value yes -Confirm:$false
'@
        $start = [System.Diagnostics.ProcessStartInfo]::new([System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName)
        # One quoted string rather than ProcessStartInfo.ArgumentList, which .NET Framework (Windows PowerShell) lacks.
        $arguments = '-NoProfile', '-NoExit', '-File', $slowScript, (Get-DsnTestModulePath), $key,
            $writer.LocalEndPoint.Port, (Join-Path $TestDrive 'eh-slow.identity')
        $start.Arguments = ($arguments | ForEach-Object { '"' + $_ + '"' }) -join ' '
        $start.UseShellExecute = $false
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $script:slowProcess = [System.Diagnostics.Process]::Start($start)
        $script:slowOutput = $slowProcess.StandardOutput.ReadToEndAsync()
        $script:slowErrors = $slowProcess.StandardError.ReadToEndAsync()
        Wait-DsnData -Node $writer -NodeId eh-slow -Key ready -Value yes -Timeout 60 | Out-Null
    }

    AfterAll {
        if (-not $slowProcess.HasExited) { $slowProcess.Kill() }
    }

    It 'stays Alive and acknowledges promptly while a peer bursts 3,000 writes' {
        for ($i = 0; $i -lt 3000; $i++) { Set-DsnData -Node $writer -Key "k$i" -Value "$i" -Confirm:$false }
        $slowest = 0
        for ($i = 0; $i -lt 50; $i++) {
            if ($slowProcess.HasExited) {
                $said = "$($slowErrors.Result) $($slowOutput.Result)" -replace "$([char]27)\[[0-9;]*[A-Za-z]", ''
                throw "The slow node's pwsh exited ($($slowProcess.ExitCode)) during the burst: $said"
            }
            $sent = Send-DsnData -Node $writer -NodeId eh-slow -Text ping -PassThru -Confirm:$false -ErrorAction Stop
            $slowest = [Math]::Max($slowest, $sent.RoundTrip.TotalMilliseconds)
            Start-Sleep -Milliseconds 100 # spreads the sends over the five seconds after the burst
        }
        $slowest | Should -BeLessThan 1000
        (Get-DsnPeer -Node $writer -NodeId eh-slow).Status | Should -Be Alive
        $changes = @(Get-Event -SourceIdentifier eh.status -ErrorAction SilentlyContinue |
            Where-Object { $_.SourceEventArgs.Peer.NodeId -eq 'eh-slow' } |
            ForEach-Object { "$($_.SourceEventArgs.OldStatus)->$($_.SourceEventArgs.Peer.Status)" })
        $changes | Should -BeNullOrEmpty

        # Typed at the idle prompt, as the sysadmin would: publish how many events the action handled, stop, exit.
        $slowProcess.StandardInput.WriteLine('Set-DsnData -Node $node -Key handled -Value $global:handled -Confirm:$false; Stop-DsnNode -Node $node -Confirm:$false; exit')
        $handled = Wait-DsnData -Node $writer -NodeId eh-slow -Key handled -Timeout 60
        [int]$handled.Value | Should -BeGreaterThan 0 # the slow action did run meanwhile
        $slowProcess.WaitForExit(30000) | Should -BeTrue
        $slowErrors.Result | Should -BeNullOrEmpty
        $slowProcess.ExitCode | Should -Be 0
    }
}

Describe 'A subscriber that throws' {
    BeforeAll {
        $script:source = Start-DsnTestNode -NodeId eh-source -Key $key
        $script:sink = Start-DsnTestNode -NodeId eh-sink -Key $key -Bootstrap $source
        Wait-DsnPeer -Node $sink -NodeId eh-source -Timeout 10 | Out-Null
    }

    AfterEach {
        Get-EventSubscriber | Where-Object SourceIdentifier -like 'eh.sub.*' | Unregister-Event
    }

    It 'does not keep a second Register-ObjectEvent -Action from seeing every change' {
        $global:ehSeen = [System.Collections.Generic.List[string]]::new()
        Register-ObjectEvent -InputObject $sink -EventName StateChanged -SourceIdentifier eh.sub.throws -Action { throw 'handler bug' } | Out-Null
        Register-ObjectEvent -InputObject $sink -EventName StateChanged -SourceIdentifier eh.sub.counts -Action {
            if ($EventArgs.Key -like 'action*') { $global:ehSeen.Add($EventArgs.Key) }
        } | Out-Null
        foreach ($i in 1..20) { Set-DsnData -Node $source -Key "action$i" -Value $i -Confirm:$false }
        Wait-EventHandlerCondition { $global:ehSeen.Count -ge 20 } 'the second -Action saw all 20 changes'
        $global:ehSeen | Sort-Object -Unique | Should -HaveCount 20
        $sink.IsRunning | Should -BeTrue
    }

    It 'does not keep a later subscriber from running when a .NET handler before it throws' {
        # A script block added as a plain .NET handler runs on the node's event thread, where no runspace exists:
        # it throws on every event. Before each subscriber was isolated, it silenced every handler added after it.
        $throwing = [EventHandler[DistributedState.DsnStateChangedEventArgs]] { param($sender, $e) 'never runs here' }
        $sink.add_StateChanged($throwing)
        try {
            $global:ehSeen = [System.Collections.Generic.List[string]]::new()
            Register-ObjectEvent -InputObject $sink -EventName StateChanged -SourceIdentifier eh.sub.after -Action {
                if ($EventArgs.Key -like 'plain*') { $global:ehSeen.Add($EventArgs.Key) }
            } | Out-Null
            foreach ($i in 1..20) { Set-DsnData -Node $source -Key "plain$i" -Value $i -Confirm:$false }
            Wait-EventHandlerCondition { $global:ehSeen.Count -ge 20 } 'the subscriber after the throwing handler saw all 20 changes'
            $sink.GetStatistics()['events.handler.faults'] | Should -BeGreaterOrEqual 20
            Set-DsnData -Node $sink -Key alive -Value yes -Confirm:$false
            (Wait-DsnData -Node $source -NodeId eh-sink -Key alive -Value yes -Timeout 10).Value | Should -Be 'yes'
        }
        finally {
            $sink.remove_StateChanged($throwing)
        }
    }
}
