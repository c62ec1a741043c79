# Three separate processes on 127.0.0.1 form one network: this Pester process (mp-a) and two child pwsh processes
# (mp-b, mp-c) that run a script written to the test drive. They propagate writes, exchange direct messages, and see
# a killed process as Failed and a stopped node as Left. Every step waits on a condition (Wait-DsnPeer, Wait-DsnData,
# Wait-Event), never on a sleep; the children are killed in AfterAll whatever happened.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:modulePath = (Resolve-Path (Get-DsnTestModulePath)).Path
    Import-Module $modulePath -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:key = New-DsnKey
    $script:a = Start-DsnTestNode -NodeId mp-a -Key $key
    Register-ObjectEvent -InputObject $a -EventName DataReceived -SourceIdentifier mp.replies

    $script:childScript = Join-Path $TestDrive 'member.ps1'
    Set-Content $childScript @'
param($ModulePath, $NodeId, $Key, $Bootstrap, $Dir, $WatchFailed)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$node = Start-DsnNode -NodeId $NodeId -Key $Key -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $Dir "$NodeId.identity") -Bootstrap $Bootstrap -Confirm:$false
Register-ObjectEvent -InputObject $node -EventName DataReceived -SourceIdentifier mp.message | Out-Null
"$NodeId started on $($node.LocalEndPoint) in process $PID"

# A write of mp-a arrives here; the answer goes back to everyone.
Wait-DsnData -NodeId mp-a -Key status -Value online -Timeout 60 | Out-Null
Set-DsnData -Key seen -Value online -Confirm:$false

# One network: the other child's write arrives here too.
Wait-DsnData -NodeId mp-b, mp-c -Key seen -Value online -Timeout 60 | Out-Null
Set-DsnData -Key mesh -Value ok -Confirm:$false

# A direct message, answered with a direct message to its sender.
$message = Wait-Event -SourceIdentifier mp.message -Timeout 60
if (-not $message) { throw "$NodeId got no direct message within 60 s." }
$text = [Text.Encoding]::UTF8.GetString($message.SourceEventArgs.Data)
Send-DsnData -NodeId $message.SourceEventArgs.SenderId -Text "$NodeId got $text" -Confirm:$false

if ($WatchFailed) {
    Wait-DsnPeer -NodeId $WatchFailed -Status Failed -Timeout 60 | Out-Null
    Set-DsnData -Key failedSeen -Value $WatchFailed -Confirm:$false
}

Wait-DsnData -NodeId mp-a -Key command -Value stop -Timeout 120 | Out-Null
Stop-DsnNode -Confirm:$false
"$NodeId stopped"
'@

    function Start-Member {
        param([string] $NodeId, [string] $WatchFailed)
        $arguments = @('-NoProfile', '-NonInteractive', '-File', $childScript, '-ModulePath', $modulePath, '-NodeId', $NodeId,
            '-Key', $key, '-Bootstrap', "127.0.0.1:$($a.LocalEndPoint.Port)", '-Dir', $TestDrive)
        if ($WatchFailed) { $arguments += @('-WatchFailed', $WatchFailed) }
        Start-Process -FilePath (Get-DsnTestShell) -ArgumentList $arguments -PassThru `
            -RedirectStandardOutput (Join-Path $TestDrive "$NodeId.out") -RedirectStandardError (Join-Path $TestDrive "$NodeId.err")
    }

    function Invoke-WithMemberLogs {
        # A failure here is usually explained by a child's output: add it to the message.
        param([scriptblock] $Body)
        try { & $Body }
        catch {
            $logs = foreach ($name in 'mp-b.out', 'mp-b.err', 'mp-c.out', 'mp-c.err') {
                "--- ${name}:"; Get-Content (Join-Path $TestDrive $name) -ErrorAction SilentlyContinue
            }
            throw "$_`n$($logs -join "`n")"
        }
    }

    $script:b = Start-Member mp-b -WatchFailed mp-c
    $script:c = Start-Member mp-c
}

AfterAll {
    foreach ($process in $b, $c) {
        if ($process -and -not $process.HasExited) { Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue }
    }
    Unregister-Event -SourceIdentifier mp.replies -ErrorAction SilentlyContinue
    Stop-DsnNode -NodeId mp-* -Confirm:$false -ErrorAction SilentlyContinue
}

Describe 'A network of three processes' {
    It 'forms one network' {
        Invoke-WithMemberLogs {
            $peers = Wait-DsnPeer -NodeId mp-a, mp-b, mp-c -Timeout 60
            $peers.Status | Should -Be @('Alive', 'Alive', 'Alive')
            @($PID, $b.Id, $c.Id) | Select-Object -Unique | Should -HaveCount 3
        }
    }

    It 'propagates a write to the other processes and theirs back' {
        Invoke-WithMemberLogs {
            Set-DsnData -Node $a -Key status -Value online -Confirm:$false
            (Wait-DsnData -NodeId mp-b, mp-c -Key seen -Value online -Timeout 60).NodeId | Should -Be @('mp-b', 'mp-c')
        }
    }

    It 'lets the children see each other''s writes' {
        Invoke-WithMemberLogs {
            (Wait-DsnData -NodeId mp-b, mp-c -Key mesh -Value ok -Timeout 60).Value | Should -Be @('ok', 'ok')
        }
    }

    It 'exchanges direct messages with each process' {
        Invoke-WithMemberLogs {
            foreach ($member in 'mp-b', 'mp-c') { Send-DsnData -NodeId $member -Text ping -Confirm:$false -ErrorAction Stop }
            $replies = for ($i = 0; $i -lt 2; $i++) {
                $event = Wait-Event -SourceIdentifier mp.replies -Timeout 60
                if (-not $event) { break }
                Remove-Event -EventIdentifier $event.EventIdentifier
                [Text.Encoding]::UTF8.GetString($event.SourceEventArgs.Data)
            }
            $replies | Sort-Object | Should -Be @('mp-b got ping', 'mp-c got ping')
        }
    }

    It 'sees a killed process as Failed, here and in the other child' {
        Invoke-WithMemberLogs {
            Stop-Process -Id $c.Id -Force
            (Wait-DsnPeer -NodeId mp-c -Status Failed -Timeout 30).Status | Should -Be 'Failed'
            (Wait-DsnData -NodeId mp-b -Key failedSeen -Value mp-c -Timeout 60).Value | Should -Be 'mp-c'
        }
    }

    It 'sees a stopped node as Left, and its process ends cleanly' {
        Invoke-WithMemberLogs {
            Set-DsnData -Node $a -Key command -Value stop -Confirm:$false
            (Wait-DsnPeer -NodeId mp-b -Status Left -Timeout 30).Status | Should -Be 'Left'
            $b.WaitForExit(60000) | Should -BeTrue
            $b.ExitCode | Should -Be 0
            (Get-DsnPeer -NodeId mp-c).Status | Should -Be 'Failed'
        }
    }
}
