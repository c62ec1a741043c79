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

function Get-DsnTestPwshPath {
    <# The pwsh running this session, to start child processes of the same version. #>
    $name = if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }
    Join-Path $PSHOME $name
}

function Start-DsnTestChildPwsh {
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
    Start-Process -FilePath (Get-DsnTestPwshPath) -ArgumentList $all -PassThru `
        -RedirectStandardOutput (Join-Path $TestDrive "$Name.out.txt") -RedirectStandardError (Join-Path $TestDrive "$Name.err.txt")
}

function Get-DsnTestChildOutput {
    <# What a child started by Start-DsnTestChildPwsh printed, for failure messages. #>
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
