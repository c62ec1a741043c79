<#
.SYNOPSIS
Shows the built module working: three nodes on 127.0.0.1, one write, the peer table and the value on every node.

.DESCRIPTION
Run by `build.ps1 -Task Demo` in a fresh pwsh. Uses a throw-away network key and identities in a temporary folder,
free ports, and waits on conditions (Wait-DsnPeer, Wait-DsnData), so it finishes in about a second.
#>
param([Parameter(Mandatory)] [string] $ModulePath)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$work = Join-Path ([IO.Path]::GetTempPath()) ("dsn-demo-" + [Guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
try {
    $key = New-DsnKey
    $common = @{ Key = $key; Port = 0; BindAddress = '127.0.0.1' }
    $monitor = Start-DsnNode -NodeId monitor01 @common -IdentityPath (Join-Path $work monitor01.identity)
    $seed = "127.0.0.1:$($monitor.LocalEndPoint.Port)"
    $web01 = Start-DsnNode -NodeId web01 @common -Bootstrap $seed -IdentityPath (Join-Path $work web01.identity)
    $web02 = Start-DsnNode -NodeId web02 @common -Bootstrap $seed -IdentityPath (Join-Path $work web02.identity)

    Set-DsnData -Node $web01 -Key status -Value online
    @{ cpu = '12'; disk = '80' } | Set-DsnData -Node $web01

    foreach ($node in $monitor, $web01, $web02) {
        Wait-DsnPeer -Node $node -NodeId monitor01, web01, web02 -Timeout 10 | Out-Null
        Wait-DsnData -Node $node -NodeId web01 -Key disk -Value 80 -Timeout 10 | Out-Null
    }

    "Members, as monitor01 sees them:"
    Get-DsnPeer -Node $monitor | Format-Table | Out-String -Width 100
    "web01's state, as each node sees it:"
    foreach ($node in $monitor, $web01, $web02) {
        $status = Get-DsnData -Node $node -NodeId web01 -Key status
        "  {0,-10} web01/status = {1}" -f $node.NodeId, $status.Value
    }
    ""
    Get-DsnData -Node $web02 -NodeId web01 | Format-Table | Out-String -Width 100
} finally {
    Get-DsnNode | Stop-DsnNode
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
