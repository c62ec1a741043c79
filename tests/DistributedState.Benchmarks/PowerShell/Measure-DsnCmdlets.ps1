<#
.SYNOPSIS
Measures the module through PowerShell: the cost of one Set-DsnData call, bulk writes three ways, and the time until a
peer in another pwsh process holds them all.

.DESCRIPTION
Starts a node in this session and one in a child pwsh on 127.0.0.1 (free ports, throw-away key and identities).
Prints one line per figure and, with -JsonPath, writes them as JSON. Times that cross processes use
Stopwatch.GetTimestamp, a monotonic clock every process on the machine shares (CLOCK_MONOTONIC / QueryPerformanceCounter).

Figures:
- single-call latency: median and p99 of one `Set-DsnData -Key k -Value v` call (-Calls times);
- 10,000 keys written as 10,000 calls, as 10,000 objects (made beforehand) piped to one Set-DsnData, and as one
  hashtable: total time and per key;
- for each bulk way, the time from its first write until the child process holds all -Keys keys.

.EXAMPLE
dotnet pwsh -NoProfile -File tests/DistributedState.Benchmarks/PowerShell/Measure-DsnCmdlets.ps1 -ModulePath out/DistributedState/DistributedState.psd1
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../../out/DistributedState/DistributedState.psd1'),
    [int] $Calls = 2000,
    [int] $Keys = 10000,
    [string] $JsonPath
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$work = Join-Path ([IO.Path]::GetTempPath()) ("dsn-psbench-" + [Guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
$ticksPerMs = [Diagnostics.Stopwatch]::Frequency / 1000.0

function Get-Percentile([double[]] $Values, [double] $Fraction) {
    $sorted = $Values | Sort-Object
    $sorted[[Math]::Min($sorted.Count - 1, [int][Math]::Floor($Fraction * $sorted.Count))]
}

$child = $null
try {
    $keyPath = Join-Path $work 'net.key'
    New-DsnKey -Path $keyPath | Out-Null
    $node = Start-DsnNode -NodeId bench -KeyPath $keyPath -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $work bench.identity)

    # The peer: joins, says it is ready, then for each phase waits until it holds all keys of that phase and reports
    # the monotonic time it saw the last one.
    $peerScript = Join-Path $work 'peer.ps1'
    @'
param($ModulePath, $KeyPath, $Seed, $Work, $Keys)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$node = Start-DsnNode -NodeId peer -KeyPath $KeyPath -Port 0 -BindAddress 127.0.0.1 -Bootstrap $Seed -IdentityPath (Join-Path $Work peer.identity)
Set-DsnData ready yes
foreach ($phase in 'calls', 'pipeline', 'hashtable') {
    $last = "$phase-$($Keys - 1)"
    Wait-DsnData -NodeId bench -Key $last -Timeout 600 | Out-Null
    $seen = [Diagnostics.Stopwatch]::GetTimestamp()
    $count = @(Get-DsnData -NodeId bench -Key "$phase-*").Count
    Set-DsnData "seen-$phase" "$seen $count"
}
Wait-DsnData -NodeId bench -Key done -Timeout 600 | Out-Null
Stop-DsnNode -Node $node
'@ | Set-Content -Path $peerScript
    $pwsh = Join-Path $PSHOME ($(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }))
    $child = Start-Process -FilePath $pwsh -PassThru -NoNewWindow -ArgumentList @(
        '-NoProfile', '-NonInteractive', '-File', $peerScript, $ModulePath, $keyPath,
        "127.0.0.1:$($node.LocalEndPoint.Port)", $work, $Keys)
    Wait-DsnData -NodeId peer -Key ready -Value yes -Timeout 60 | Out-Null

    # Single calls: warm up, then time each call alone.
    foreach ($i in 1..200) { Set-DsnData -Key warm -Value $i }
    $latencies = [double[]]::new($Calls)
    for ($i = 0; $i -lt $Calls; $i++) {
        $start = [Diagnostics.Stopwatch]::GetTimestamp()
        Set-DsnData -Key single -Value $i
        $latencies[$i] = ([Diagnostics.Stopwatch]::GetTimestamp() - $start) / $ticksPerMs
    }
    $results = [ordered]@{
        single_call_median_ms = [Math]::Round((Get-Percentile $latencies 0.5), 3)
        single_call_p99_ms    = [Math]::Round((Get-Percentile $latencies 0.99), 3)
    }

    # The input of each bulk way exists before its clock starts (as after Import-Csv), so only the writing is timed.
    $objects = foreach ($i in 0..($Keys - 1)) { [pscustomobject]@{ Key = "pipeline-$i"; Value = "$i" } }
    $table = @{}
    foreach ($i in 0..($Keys - 1)) { $table["hashtable-$i"] = "$i" }
    $ways = [ordered]@{
        calls     = { for ($i = 0; $i -lt $Keys; $i++) { Set-DsnData -Key "calls-$i" -Value "$i" } }
        pipeline  = { $objects | Set-DsnData }
        hashtable = { Set-DsnData -InputObject $table }
    }
    foreach ($way in $ways.Keys) {
        $start = [Diagnostics.Stopwatch]::GetTimestamp()
        & $ways[$way]
        $written = [Diagnostics.Stopwatch]::GetTimestamp()
        $seen = Wait-DsnData -NodeId peer -Key "seen-$way" -Timeout 600
        $seenAt, $count = $seen.Value -split ' '
        if ([int]$count -ne $Keys) { throw "The peer held $count of $Keys '$way' keys when it saw the last one." }
        $results["${way}_total_ms"] = [Math]::Round(($written - $start) / $ticksPerMs, 1)
        $results["${way}_per_key_us"] = [Math]::Round(($written - $start) / $ticksPerMs * 1000 / $Keys, 1)
        $results["${way}_visible_in_peer_process_ms"] = [Math]::Round(([long]$seenAt - $start) / $ticksPerMs, 1)
    }
    Set-DsnData done yes
    $child.WaitForExit(30000) | Out-Null

    $results.GetEnumerator() | ForEach-Object { '{0,-40} {1,12}' -f $_.Key, $_.Value }
    if ($JsonPath) { $results | ConvertTo-Json | Set-Content -Path $JsonPath }
} finally {
    if ($child -and -not $child.HasExited) { $child.Kill() }
    Get-DsnNode | Stop-DsnNode
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
