<#
.SYNOPSIS
Builds, demonstrates, documents, tests and packages the DistributedState PowerShell module.

.DESCRIPTION
One entry point for the module's tasks. A machine with only the .NET SDK runs it through the pinned PowerShell of the
repository's tool manifest (dotnet-tools.json), as the README does:

    dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 -Task Demo
    dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 -Task Test

Tasks run in the order given:
  Clean    removes out/ and the build outputs.
  Build    lays out the importable module folder out/DistributedState (dotnet publish).
  Demo     builds, then imports the built module in a fresh pwsh, starts a three-node network on 127.0.0.1, writes on one node and
           prints the peer table and the value as every node sees it.
  Test     runs every test: the xunit suites (dotnet test), then the Pester suite against out/ (Build first) in a
           fresh pwsh, and on Windows in Windows PowerShell 5.1 too, then the short real-network fault run (about 2
           minutes; as root on Linux only, SKIPPED with its reason elsewhere; docs/reliability.md). Any failure fails the task.
  Pester   only the Pester suite (or -PesterPath), against the module as last built.
  Docs     regenerates the help in out/DistributedState/en-US from docs/en-US/*.md with PlatyPS (the dotnet build
           already writes an equivalent MAML file without PlatyPS).
  Package  makes a .nupkg for the PowerShell Gallery in out/packages (needs Microsoft.PowerShell.PSResourceGet).

Pester comes from the project's own restore (tests/Pester/PesterPackage.proj pins the version), never from the
PowerShell Gallery.

.PARAMETER PesterPath
Test files or folders for the Pester run. Default: tests/Pester.

.EXAMPLE
dotnet pwsh -NoProfile -File ./build.ps1 -Task Clean, Build, Test

.EXAMPLE
./build.ps1 -Task Pester -PesterPath tests/Pester/Data.Tests.ps1
#>
[CmdletBinding()]
param(
    # Build, Demo, Test, Pester, Docs, Package or Clean; several with commas (also through pwsh -File).
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [string[]] $PesterPath = @('tests/Pester')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

# pwsh -File passes "-Task Build,Test" as one string: split lists here rather than rely on the caller's shell.
$Task = @($Task -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
$PesterPath = @($PesterPath -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
$tasks = 'Build', 'Demo', 'Test', 'Pester', 'Docs', 'Package', 'Clean'
foreach ($name in $Task) {
    if ($tasks -notcontains $name) { throw "'$name' is not a task; use one of $($tasks -join ', ')." }
}

$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleFolder = Join-Path $out 'DistributedState'
$manifest = Join-Path $moduleFolder 'DistributedState.psd1'
$pesterProject = Join-Path $root 'tests/Pester/PesterPackage.proj'

function Invoke-Dotnet {
    # dotnet reports failure through its exit code only.
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Get-PwshPath {
    # A fresh process per run: an imported binary module stays loaded (and its DLL locked) until the process exits.
    # $PSHOME holds the pwsh executable both in an installed PowerShell and in the dotnet tool's package.
    $name = if ($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') { 'pwsh.exe' } else { 'pwsh' }
    $candidate = Join-Path $PSHOME $name
    if (Test-Path $candidate) { return $candidate }
    $command = Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { return $command.Source }
    throw "No pwsh found beside $PSHOME or on PATH. Run 'dotnet tool restore' and start this script with 'dotnet pwsh'."
}

function Get-PesterManifest {
    $version = ([xml](Get-Content -Raw $pesterProject)).Project.PropertyGroup.PesterVersion
    Invoke-Dotnet restore $pesterProject --nologo -v quiet
    $cache = $env:NUGET_PACKAGES
    if (-not $cache) {
        $line = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
        $cache = $line.Trim()
    }
    $path = Join-Path $cache "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path $path)) { throw "Pester $version was restored, but $path does not exist." }
    return $path
}

function Invoke-Clean {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    Invoke-Dotnet clean (Join-Path $root 'DistributedState.sln') -c $Configuration --nologo -v quiet
}

function Invoke-Build {
    Invoke-Dotnet publish (Join-Path $root 'src/DistributedState.PowerShell') -c $Configuration -o $moduleFolder --nologo
}

function Invoke-Demo {
    Invoke-Build
    & (Get-PwshPath) -NoProfile -NonInteractive -File (Join-Path $root 'tools/Show-DsnDemo.ps1') -ModulePath $manifest
    if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
}

function Invoke-PesterSuite {
    param([Parameter(Mandatory)] [string] $Shell)
    $pester = Get-PesterManifest
    $results = Join-Path $out ("pester-results-{0}.xml" -f [IO.Path]::GetFileNameWithoutExtension($Shell))
    $paths = $PesterPath | ForEach-Object { if ([IO.Path]::IsPathRooted($_)) { $_ } else { Join-Path $root $_ } }
    $script = @'
param($Pester, $Paths, $Results)
$ErrorActionPreference = 'Stop'
# Plain text, so that failure messages (and the XML report made from them) hold no terminal escape codes.
if (Get-Variable PSStyle -ErrorAction SilentlyContinue) { $PSStyle.OutputRendering = 'PlainText' }
Import-Module $Pester
$config = New-PesterConfiguration
$config.Run.Path = $Paths
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputPath = $Results
$result = Invoke-Pester -Configuration $config
if ($null -eq $result) { "Pester on PowerShell $($PSVersionTable.PSVersion): no result (Pester itself failed)"; exit 1 }
# A failing BeforeAll fails its block's tests (counted); a file that fails to load has no tests, so it counts itself.
$failed = $result.FailedCount + $result.FailedContainersCount
"Pester on PowerShell $($PSVersionTable.PSVersion): $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped, $($result.NotRunCount) not run" +
    $(if ($result.FailedContainersCount) { " ($($result.FailedContainersCount) files failed to load)" })
if ($result.Result -ne 'Passed' -or $failed -gt 0) { exit 1 }
exit 0
'@
    $env:DSN_MODULE_PATH = $manifest
    Push-Location $root
    try {
        # -Command with a script block passes the arguments as objects (arrays stay arrays).
        & $Shell -NoProfile -NonInteractive -Command ([scriptblock]::Create($script)) -args $pester, $paths, $results
        if ($LASTEXITCODE -ne 0) { throw "Pester tests failed under $Shell (exit code $LASTEXITCODE)." }
    } finally {
        Pop-Location
    }
}

function Invoke-Pester5 {
    if (-not (Test-Path $manifest)) { Invoke-Build }
    Invoke-PesterSuite -Shell (Get-PwshPath)
    # Windows PowerShell 5.1 exists only on Windows; there the same suite runs in it too.
    $desktop = if ($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') { Get-Command powershell.exe -ErrorAction SilentlyContinue }
    if ($desktop) { Invoke-PesterSuite -Shell $desktop.Source }
}

function Invoke-RealNetworkFaults {
    # Issue 13: seven node processes, each in its own network namespace, under partitions and loss made by nft, kill -9,
    # SIGSTOP and a skewed clock. It runs last and alone, so its load never meets the timing-sensitive suites above.
    # The harness decides whether this machine can run it (root, Linux, ip netns) and otherwise prints SKIPPED and why.
    # One fixed seed (its schedule has every fault kind: crashes of the bootstrap and another node, one-way, bridge and
    # full partitions, a slow link, a freeze, loss and a skewed clock), so a failure here is a regression, not a new
    # schedule; DSN_JEPSEN_SEED picks another, and the long run (docs/reliability.md) explores fresh seeds.
    $project = Join-Path $root 'tests/DistributedState.Jepsen'
    Invoke-Dotnet build $project -c $Configuration --nologo -v quiet
    $arguments = @('run', '--out', (Join-Path $out 'jepsen'))
    $seed = if ($env:DSN_JEPSEN_SEED) { $env:DSN_JEPSEN_SEED } else { '925676121' }
    $arguments += @('--seed', $seed)
    & dotnet (Join-Path $project "bin/$Configuration/net10.0/DistributedState.Jepsen.dll") @arguments
    if ($LASTEXITCODE -ne 0) { throw "The real-network fault run failed (exit code $LASTEXITCODE); its summary and history are under out/jepsen." }
}

function Invoke-Test {
    Invoke-Dotnet test (Join-Path $root 'DistributedState.sln') -c $Configuration --nologo
    Invoke-Build
    Invoke-Pester5
    Invoke-RealNetworkFaults
}

function Invoke-Docs {
    if (-not (Test-Path $manifest)) { Invoke-Build }
    if (-not (Get-Module -ListAvailable -Name platyPS)) {
        throw 'The Docs task needs PlatyPS: Install-Module platyPS -Scope CurrentUser'
    }
    Import-Module platyPS
    # Writes DistributedState.PowerShell.dll-Help.xml (named by each page's "external help file") and
    # about_DistributedState.help.txt, replacing the plain-text copy the dotnet build puts there.
    New-ExternalHelp -Path (Join-Path $root 'docs/en-US') -OutputPath (Join-Path $moduleFolder 'en-US') -Force | Out-Null
}

function Invoke-Package {
    Invoke-Build
    Invoke-Docs
    $packages = Join-Path $out 'packages'
    New-Item -ItemType Directory -Path $packages -Force | Out-Null
    Import-Module Microsoft.PowerShell.PSResourceGet
    $repository = 'DistributedStateLocal'
    if (-not (Get-PSResourceRepository -Name $repository -ErrorAction SilentlyContinue)) {
        Register-PSResourceRepository -Name $repository -Uri $packages -Trusted
    }
    Publish-PSResource -Path $moduleFolder -Repository $repository
    Get-ChildItem $packages -Filter *.nupkg
}

foreach ($step in $Task) {
    Write-Host "==> $step ($Configuration)"
    switch ($step) {
        'Clean'   { Invoke-Clean }
        'Build'   { Invoke-Build }
        'Demo'    { Invoke-Demo }
        'Test'    { Invoke-Test }
        'Pester'  { Invoke-Pester5 }
        'Docs'    { Invoke-Docs }
        'Package' { Invoke-Package }
    }
}
