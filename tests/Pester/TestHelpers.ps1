# Shared by the Pester files, dot-sourced in BeforeAll so the functions run in the test's scope (and see $TestDrive):
# where the built module is, how to start a loopback node, and how to wait for an event without sleeping.

function Get-DsnTestModulePath {
    # build.ps1 and .ci/run pass the folder they built; by default, the README's output folder.
    if ($env:DSN_MODULE_PATH) { return $env:DSN_MODULE_PATH }
    return (Join-Path $PSScriptRoot '../../out/DistributedState/DistributedState.psd1')
}

function Wait-DsnTestEvent {
    <#
    .SYNOPSIS
    Waits for the first queued event of a source whose arguments satisfy a condition; removes the events it reads.
    #>
    param(
        [Parameter(Mandatory)] [string] $SourceIdentifier,
        [Parameter(Mandatory)] [scriptblock] $Where,
        [int] $TimeoutSec = 10
    )
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        $left = [Math]::Max(1, [int][Math]::Ceiling(($deadline - [DateTime]::UtcNow).TotalSeconds))
        $event = Wait-Event -SourceIdentifier $SourceIdentifier -Timeout $left
        if (-not $event) { break }
        Remove-Event -EventIdentifier $event.EventIdentifier
        if (& $Where $event.SourceEventArgs) { return $event }
    }
    throw "No '$SourceIdentifier' event matched within $TimeoutSec s."
}

function Start-DsnTestNode {
    <# Starts a node on loopback with a free port and an identity file under the test drive. #>
    param(
        [Parameter(Mandatory)] [string] $NodeId,
        [Parameter(Mandatory)] [string] $Key,
        [object] $Bootstrap
    )
    $arguments = @{
        NodeId       = $NodeId
        Key          = $Key
        Port         = 0
        BindAddress  = '127.0.0.1'
        IdentityPath = Join-Path $TestDrive "$NodeId.identity"
        Confirm      = $false
    }
    if ($Bootstrap) { $arguments.Bootstrap = "127.0.0.1:$($Bootstrap.LocalEndPoint.Port)" }
    Start-DsnNode @arguments
}

function Get-DsnTestShell {
    <#
    The executable of the PowerShell running the tests (pwsh, or powershell.exe under Windows PowerShell), for child
    processes: a fresh process per scenario (an imported module stays loaded).
    #>
    [Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
}

function Invoke-DsnTestChild {
    <#
    .SYNOPSIS
    Runs a script file in a fresh shell and returns its output lines; throws with the output when it exits non-zero.
    #>
    param(
        [Parameter(Mandatory)] [string] $ScriptPath,
        [string[]] $ArgumentList = @()
    )
    # Colour codes are removed: they would garble a failure message (and the XML test report that carries it).
    $escape = [char]27
    $output = & (Get-DsnTestShell) -NoProfile -NonInteractive -File $ScriptPath @ArgumentList 2>&1 |
        ForEach-Object { "$_" -replace "$escape\[[0-9;]*[A-Za-z]", '' }
    if ($LASTEXITCODE -ne 0) { throw "$ScriptPath exited with $LASTEXITCODE`n$($output -join "`n")" }
    $output
}

function Start-DsnTestNetwork {
    <#
    .SYNOPSIS
    Starts loopback nodes "<Prefix>-a", "<Prefix>-b"... that join through the first; returns them (in start order)
    once each sees all of them Alive. The last one is the session's default node.
    #>
    param(
        [Parameter(Mandatory)] [string] $Prefix,
        [ValidateRange(1, 26)] [int] $Count = 2,
        [string] $Key = (New-DsnKey),
        [int] $TimeoutSec = 20
    )
    $first = Start-DsnTestNode -NodeId "$Prefix-a" -Key $Key
    $nodes = @($first)
    for ($i = 1; $i -lt $Count; $i++) {
        $nodes += Start-DsnTestNode -NodeId "$Prefix-$([char](97 + $i))" -Key $Key -Bootstrap $first
    }
    foreach ($node in $nodes) { $null = Wait-DsnPeer -Node $node -NodeId $nodes.NodeId -Timeout $TimeoutSec }
    $nodes
}

function Get-DsnTestErrorId {
    <# The FullyQualifiedErrorId a cmdlet of this module gives an ErrorId: 'DsnKeyInvalid' + 'Set-DsnData'. #>
    param([Parameter(Mandatory)] [string] $ErrorId, [Parameter(Mandatory)] [string] $Command)
    "$ErrorId,DistributedState.PowerShell.$($Command -replace '-', '')Command"
}

function Get-DsnTestError {
    <#
    .SYNOPSIS
    The error record a command fails with: its terminating error, or its first non-terminating one (stopped on
    whatever the caller's $ErrorActionPreference). Fails when the command does not fail.
    #>
    param([Parameter(Mandatory)] [scriptblock] $Command)
    $ErrorActionPreference = 'Stop'
    try { $null = & $Command } catch { return $_ }
    throw "The command did not fail: $Command"
}

function Start-DsnTestChild {
    <#
    .SYNOPSIS
    Starts `pwsh -NoProfile -File <Script> <Arguments>` as a separate process, its output in files under the test
    drive (named after -Name) so a failing test can show what the child said. Returns the Process.
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [Parameter(Mandatory)] [string] $Name,
        [string[]] $Arguments = @()
    )
    $all = @('-NoProfile', '-NonInteractive', '-File', $Script) + $Arguments
    Start-Process -FilePath (Get-DsnTestShell) -ArgumentList $all -PassThru `
        -RedirectStandardOutput (Join-Path $TestDrive "$Name.out.txt") -RedirectStandardError (Join-Path $TestDrive "$Name.err.txt")
}

function Get-DsnTestChildOutput {
    <# What a child started by Start-DsnTestChild printed, for failure messages. #>
    param([Parameter(Mandatory)] [string] $Name)
    foreach ($stream in 'out', 'err') {
        $path = Join-Path $TestDrive "$Name.$stream.txt"
        if (Test-Path $path) { "[$stream] " + (Get-Content -Raw $path) }
    }
}

function Send-DsnTestSignal {
    <# Sends a Unix signal (TERM, INT...) to a process: Stop-Process on Unix sends SIGKILL even without -Force. #>
    param([Parameter(Mandatory)] [int] $ProcessId, [Parameter(Mandatory)] [string] $Signal)
    $kill = (Get-Command -Name kill -CommandType Application | Select-Object -First 1).Source
    & $kill "-$Signal" $ProcessId
    if ($LASTEXITCODE -ne 0) { throw "kill -$Signal $ProcessId failed with exit code $LASTEXITCODE." }
}
