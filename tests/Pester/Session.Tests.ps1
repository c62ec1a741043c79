# The node lifecycle as a session sees it: each runspace ([powershell]::Create(), thread jobs) owns the nodes it starts,
# closing it or removing the module stops them, Ctrl+C ends waits, and Start-DsnNode's options and errors.
# Conditions are awaited with Wait-DsnPeer and events, never with Start-Sleep.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:modulePath = (Resolve-Path (Get-DsnTestModulePath)).Path
    Import-Module $modulePath -Force
    Get-DsnNode | Stop-DsnNode -Confirm:$false
    $script:key = New-DsnKey
    $script:main = Start-DsnTestNode -NodeId ss-main -Key $key
    $script:shells = [System.Collections.Generic.List[powershell]]::new()

    function Invoke-InShell {
        # Runs a script in another runspace; its errors fail the test with their text.
        param([powershell] $Shell, [scriptblock] $Script, [object[]] $Arguments = @())
        $Shell.Commands.Clear()
        $Shell.Streams.ClearStreams()
        $null = $Shell.AddScript($Script.ToString())
        foreach ($argument in $Arguments) { $null = $Shell.AddArgument($argument) }
        $output = $Shell.Invoke()
        if ($Shell.Streams.Error.Count -gt 0) { throw "In the other runspace: $($Shell.Streams.Error | Out-String)" }
        $output
    }

    function New-TestShell {
        # A new runspace with the module imported, disposed in AfterAll unless the test disposes it.
        $shell = [powershell]::Create()
        $shells.Add($shell)
        Invoke-InShell $shell { param($path) Import-Module $path } $modulePath | Out-Null
        $shell
    }

    function Start-ShellNode {
        param([powershell] $Shell, [string] $NodeId)
        Invoke-InShell $Shell {
            param($nodeId, $key, $port, $identity)
            Start-DsnNode -NodeId $nodeId -Key $key -Port 0 -BindAddress 127.0.0.1 -IdentityPath $identity -Bootstrap "127.0.0.1:$port" -Confirm:$false
        } $NodeId, $key, $main.LocalEndPoint.Port, (Join-Path $TestDrive "$NodeId.identity")
    }

    function Start-OptionNode {
        # A node of its own network (no bootstrap unless given) with extra Start-DsnNode parameters.
        param([string] $NodeId, [hashtable] $Options = @{})
        Start-DsnNode -NodeId $NodeId -Key $key -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $TestDrive "$NodeId.identity") -Confirm:$false @Options
    }
}

AfterAll {
    foreach ($shell in $shells) { $shell.Dispose() }
    Get-EventSubscriber | Where-Object SourceIdentifier -like 'ss.*' | Unregister-Event
    Get-DsnNode | Stop-DsnNode -Confirm:$false
}

Describe 'Each runspace is a session' {
    It 'makes a node started in another runspace that runspace''s default, not this one''s' {
        $shell = New-TestShell
        $node = Start-ShellNode $shell ss-rs1
        $node.NodeId | Should -Be 'ss-rs1'
        (Get-DsnNode).NodeId | Should -Be 'ss-main'
        (Get-DsnPeer | Where-Object IsLocal).NodeId | Should -Be 'ss-main'
        Invoke-InShell $shell { (Get-DsnNode).NodeId; (Get-DsnPeer | Where-Object IsLocal).NodeId } | Should -Be @('ss-rs1', 'ss-rs1')
    }

    It 'stops the nodes of a disposed runspace; peers see them Left' {
        $shell = New-TestShell
        $node = Start-ShellNode $shell ss-rs2
        Wait-DsnPeer -NodeId ss-rs2 -Timeout 10 | Out-Null
        $shell.Dispose()
        (Wait-DsnPeer -NodeId ss-rs2 -Status Left -Timeout 10).Status | Should -Be 'Left'
        $node.IsRunning | Should -BeFalse
    }

    # Windows PowerShell has no thread jobs unless the ThreadJob module is installed.
    It 'gives a thread job its own nodes, which stop when the job ends' -Skip:(-not (Get-Command Start-ThreadJob -ErrorAction SilentlyContinue)) {
        $job = Start-ThreadJob -ArgumentList $modulePath, $key, $main.LocalEndPoint.Port, (Join-Path $TestDrive 'ss-job.identity') -ScriptBlock {
            param($path, $key, $port, $identity)
            Import-Module $path
            Start-DsnNode -NodeId ss-job -Key $key -Port 0 -BindAddress 127.0.0.1 -IdentityPath $identity -Bootstrap "127.0.0.1:$port" -Confirm:$false | Out-Null
            Wait-DsnPeer -NodeId ss-main -Timeout 10 | Out-Null
            (Get-DsnNode).NodeId
        }
        try {
            $job | Wait-Job -Timeout 60 | Receive-Job -ErrorAction Stop | Should -Be 'ss-job'
            (Wait-DsnPeer -NodeId ss-job -Status Left -Timeout 10).Status | Should -Be 'Left'
            (Get-DsnNode).NodeId | Should -Be 'ss-main'
        } finally {
            $job | Remove-Job -Force
        }
    }

    It 'runs a NodeId once per process, whichever runspace started it' {
        $shell = New-TestShell
        $caught = Invoke-InShell $shell {
            param($key)
            try { Start-DsnNode -NodeId ss-main -Key $key -Port 0 -BindAddress 127.0.0.1 -Confirm:$false -ErrorAction Stop }
            catch { $_.FullyQualifiedErrorId; $_.Exception.Message }
        } $key
        $caught[0] | Should -Be 'DsnNodeAlreadyRunning,DistributedState.PowerShell.StartDsnNodeCommand'
        $caught[1] | Should -BeLike '*another session*'
    }

    It 'stops a node object of another runspace passed with -Node' {
        $shell = New-TestShell
        $node = Start-ShellNode $shell ss-rs3
        Stop-DsnNode -Node $node -Confirm:$false
        $node.IsRunning | Should -BeFalse
        Invoke-InShell $shell { Get-DsnNode } | Should -BeNullOrEmpty
    }
}

Describe 'Remove-Module' {
    It 'stops the nodes of the session that removes it, and a re-import works' {
        $shell = New-TestShell
        $node = Start-ShellNode $shell ss-rm
        Wait-DsnPeer -NodeId ss-rm -Timeout 10 | Out-Null
        Invoke-InShell $shell { Remove-Module DistributedState; Get-Module DistributedState } | Should -BeNullOrEmpty
        (Wait-DsnPeer -NodeId ss-rm -Status Left -Timeout 10).Status | Should -Be 'Left'
        $node.IsRunning | Should -BeFalse
        $main.IsRunning | Should -BeTrue

        Invoke-InShell $shell { param($path) Import-Module $path } $modulePath | Out-Null
        $again = Start-ShellNode $shell ss-rm
        $again.IsRunning | Should -BeTrue
        (Wait-DsnPeer -NodeId ss-rm -Timeout 10).Status | Should -Be 'Alive'
    }
}

Describe 'Ctrl+C' {
    It 'ends <Name> promptly' -ForEach @(
        @{ Name = 'Wait-DsnPeer'; NodeId = 'ss-stop1'; Command = 'Wait-DsnPeer -NodeId nobody -Timeout 600' }
        @{ Name = 'Wait-DsnData'; NodeId = 'ss-stop2'; Command = 'Wait-DsnData -NodeId ss-main -Key never -Timeout 600' }
    ) {
        $shell = New-TestShell
        Start-ShellNode $shell $NodeId | Out-Null
        $shell.Commands.Clear()
        $null = $shell.AddScript($Command)
        # The wait reports progress after a second: from then on it is certainly inside the cmdlet's wait.
        Register-ObjectEvent -InputObject $shell.Streams.Progress -EventName DataAdded -SourceIdentifier "ss.progress.$Name"
        try {
            $invocation = $shell.BeginInvoke()
            Wait-DsnTestEvent -SourceIdentifier "ss.progress.$Name" -Where { $true } -TimeoutSec 30 | Out-Null
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
            $invocation.IsCompleted | Should -BeTrue
        } finally {
            Unregister-Event -SourceIdentifier "ss.progress.$Name"
        }
    }
}

Describe 'Start-DsnNode options' {
    It 'advertises -AdvertiseAddress' {
        $node = Start-OptionNode ss-adv @{ AdvertiseAddress = 'localhost' }
        try {
            $node.AdvertisedEndPoint.Host | Should -Be 'localhost'
            $node.AdvertisedEndPoint.Port | Should -Be $node.LocalEndPoint.Port
        } finally { $node | Stop-DsnNode -Confirm:$false }
    }

    It 'applies -MaxValueBytes, -MaxStateBytes and -MaxMessageBytes' {
        $node = Start-OptionNode ss-lim @{ MaxValueBytes = 16; MaxStateBytes = 30; MaxMessageBytes = 8; Bootstrap = "127.0.0.1:$($main.LocalEndPoint.Port)" }
        try {
            { Set-DsnData -Node $node -Key big -Value ('x' * 17) -Confirm:$false -ErrorAction Stop } | Should -Throw -ExpectedMessage '*MaxValueBytes*'
            Set-DsnData -Node $node -Key a -Value ('x' * 16) -Confirm:$false
            { Set-DsnData -Node $node -Key b -Value ('x' * 16) -Confirm:$false -ErrorAction Stop } | Should -Throw -ExpectedMessage '*MaxStateBytes*'
            { Send-DsnData -Node $node -NodeId ss-main -Text ('x' * 9) -Confirm:$false -ErrorAction Stop } | Should -Throw -ExpectedMessage '*MaxMessageBytes*'
        } finally { $node | Stop-DsnNode -Confirm:$false }
    }

    It 'takes durations as seconds, with a unit or as a TimeSpan' {
        $options = @{
            ProbeInterval = 0.5; ProbeTimeout = '300ms'; SuspicionMultiplier = 6; JoinTimeout = '00:00:05'; SendTimeout = 3
            RetryJoinInterval = '2s'; ConnectTimeout = 2; HandshakeTimeout = '00:00:03'; AntiEntropyInterval = '1s'
            DepartedRetention = '2h'; MaxConnections = 16; EventQueueCapacity = 1000
            Bootstrap = "127.0.0.1:$($main.LocalEndPoint.Port)"
        }
        $node = Start-OptionNode ss-dur $options
        try {
            (Wait-DsnPeer -Node $node -NodeId ss-main -Timeout 10).Status | Should -Be 'Alive'
        } finally { $node | Stop-DsnNode -Confirm:$false }
    }

    It 'reads a bare number as seconds, not ticks' {
        # One second more than a year: as ticks it would be a valid 3 s, as seconds the node refuses it.
        { Start-OptionNode ss-year @{ DepartedRetention = 31536001 } } |
            Should -Throw -ErrorId 'DsnNodeOptionInvalid,DistributedState.PowerShell.StartDsnNodeCommand' -ExpectedMessage '*365.00:00:01*'
    }

    It 'refuses a duration it cannot read, showing the accepted forms' {
        { Start-OptionNode ss-bad @{ ProbeInterval = 'soon' } } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,DistributedState.PowerShell.StartDsnNodeCommand' -ExpectedMessage "*'00:00:05'*"
    }

    It 'refuses -MaxConnections 0 naming the option' {
        { Start-OptionNode ss-cap @{ MaxConnections = 0 } } |
            Should -Throw -ErrorId 'DsnNodeOptionInvalid,DistributedState.PowerShell.StartDsnNodeCommand' -ExpectedMessage '*MaxConnections*'
    }
}

Describe 'Allow-lists' {
    BeforeAll {
        $script:pinnedPeer = Start-OptionNode ss-ok
        $script:pinnedAt = "127.0.0.1:$($pinnedPeer.LocalEndPoint.Port)"
    }

    AfterAll { Stop-DsnNode -NodeId ss-ok, ss-pin* -Confirm:$false -ErrorAction SilentlyContinue }

    It 'admits a node pinned with -AllowedNodes and refuses one that is not' {
        $guard = Start-OptionNode ss-pin1 @{ AllowedNodes = @{ 'ss-ok' = $pinnedPeer.PublicKey }; Bootstrap = $pinnedAt }
        (Wait-DsnPeer -Node $guard -NodeId ss-ok -Timeout 10).Status | Should -Be 'Alive'
        { Start-OptionNode ss-intruder @{ Bootstrap = "127.0.0.1:$($guard.LocalEndPoint.Port)"; JoinTimeout = 3 } } |
            Should -Throw -ErrorId 'DsnJoinFailed,DistributedState.PowerShell.StartDsnNodeCommand'
    }

    It 'reads the allow-list from -AllowedNodesPath' {
        $path = Join-Path $TestDrive 'allowed-nodes.txt'
        "# pinned members`n`nss-ok  $($pinnedPeer.PublicKey)   # the console" | Set-Content $path
        $guard = Start-OptionNode ss-pin2 @{ AllowedNodesPath = $path; Bootstrap = $pinnedAt }
        (Wait-DsnPeer -Node $guard -NodeId ss-ok -Timeout 10).Status | Should -Be 'Alive'
    }

    It 'names the file and line of a bad allow-list entry' {
        $path = Join-Path $TestDrive 'bad-allowed.txt'
        "# header`nss-ok" | Set-Content $path
        { Start-OptionNode ss-pin3 @{ AllowedNodesPath = $path } } |
            Should -Throw -ErrorId 'DsnAllowedNodesInvalid,DistributedState.PowerShell.StartDsnNodeCommand' -ExpectedMessage "*bad-allowed.txt, line 2*"
        { Start-OptionNode ss-pin4 @{ AllowedNodes = @{ 'ss-ok' = 'not-a-key' } } } |
            Should -Throw -ErrorId 'DsnAllowedNodesInvalid,DistributedState.PowerShell.StartDsnNodeCommand'
        { Start-OptionNode ss-pin5 @{ AllowedNodesPath = (Join-Path $TestDrive 'none.txt') } } |
            Should -Throw -ErrorId 'DsnFileNotFound,DistributedState.PowerShell.StartDsnNodeCommand'
    }
}

Describe 'Start errors that name the problem' {
    It 'reports a port in use as DsnPortInUse naming address:port' {
        $port = $main.LocalEndPoint.Port
        { Start-DsnNode -NodeId ss-port -Key $key -Port $port -BindAddress 127.0.0.1 -IdentityPath (Join-Path $TestDrive 'p.identity') -Confirm:$false } |
            Should -Throw -ErrorId 'DsnPortInUse,DistributedState.PowerShell.StartDsnNodeCommand' -ExpectedMessage "*127.0.0.1:$port*"
    }

    It 'reports a -BindAddress of another machine as DsnAddressNotLocal' {
        # 192.0.2.1 is reserved for documentation (TEST-NET-1): never an address of this machine; nothing is sent.
        { Start-DsnNode -NodeId ss-far -Key $key -Port 0 -BindAddress 192.0.2.1 -IdentityPath (Join-Path $TestDrive 'f.identity') -Confirm:$false } |
            Should -Throw -ErrorId 'DsnAddressNotLocal,DistributedState.PowerShell.StartDsnNodeCommand' -ExpectedMessage '*192.0.2.1*'
    }

    It 'reports a directory given as a file as DsnPathIsDirectory' {
        { Start-DsnNode -NodeId ss-dir -KeyPath $TestDrive -Port 0 -Confirm:$false } |
            Should -Throw -ErrorId 'DsnPathIsDirectory,DistributedState.PowerShell.StartDsnNodeCommand' -ExpectedMessage '*-KeyPath*is a directory*'
        { New-DsnKey -Path $TestDrive -Force } |
            Should -Throw -ErrorId 'DsnPathIsDirectory,DistributedState.PowerShell.NewDsnKeyCommand'
    }
}

Describe 'Get-DsnNode -Statistics' {
    It 'writes one object per counter, sorted by name' {
        Set-DsnData -Node $main -Key stats -Value 1 -Confirm:$false
        $counters = Get-DsnNode -NodeId ss-main -Statistics
        $counters.NodeId | Select-Object -Unique | Should -Be 'ss-main'
        ($counters | Where-Object Name -eq 'batches.signed').Value | Should -BeGreaterThan 0
        $counters.Name | Should -Be ($counters.Name | Sort-Object -CaseSensitive)
        ($counters | ConvertTo-Csv | ConvertFrom-Csv)[0].PSObject.Properties.Name | Should -Be @('NodeId', 'Name', 'Value')
    }
}
