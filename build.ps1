<#
.SYNOPSIS
Builds, documents, tests and packages the DistributedState PowerShell module.

.DESCRIPTION
One entry point for the module's tasks. Everything except Docs, the Pester tests and Package is plain dotnet, so machines
without PowerShell run the same steps directly (see README):

    dotnet publish src/DistributedState.PowerShell -c Release -o out/DistributedState
    dotnet test DistributedState.sln -c Release

Tasks run in the order given:
  Clean    removes out/ and the build outputs.
  Build    lays out the importable module folder out/DistributedState (dotnet publish).
  Docs     regenerates the help in out/DistributedState/en-US from docs/en-US/*.md with PlatyPS (the dotnet build
           already writes an equivalent MAML file without PlatyPS). Runs Build first if needed.
  Test     runs the xunit tests, then the Pester tests in a fresh pwsh (and powershell.exe on Windows) against out/.
  Package  makes a .nupkg for the PowerShell Gallery in out/packages (needs Microsoft.PowerShell.PSResourceGet).

.EXAMPLE
./build.ps1 -Task Clean, Build, Docs, Test -Configuration Release
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Package', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleFolder = Join-Path $out 'DistributedState'
$manifest = Join-Path $moduleFolder 'DistributedState.psd1'

function Invoke-Dotnet {
    # dotnet reports failure through its exit code only.
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Clean {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    Invoke-Dotnet clean (Join-Path $root 'DistributedState.sln') -c $Configuration --nologo -v quiet
}

function Invoke-Build {
    Invoke-Dotnet publish (Join-Path $root 'src/DistributedState.PowerShell') -c $Configuration -o $moduleFolder --nologo
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

function Invoke-Pester5 {
    param([string] $Shell)
    # A fresh process per run: an imported binary module stays loaded (and its DLL locked) until the process exits.
    $script = @'
$ErrorActionPreference = 'Stop'
Import-Module Pester -MinimumVersion 5.0
$config = New-PesterConfiguration
$config.Run.Path = 'tests/Pester'
$config.Run.Exit = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputPath = 'out/pester-results.xml'
Invoke-Pester -Configuration $config
'@
    $env:DSN_MODULE_PATH = $manifest
    Push-Location $root
    try {
        & $Shell -NoProfile -NonInteractive -Command $script
        if ($LASTEXITCODE -ne 0) { throw "Pester tests failed under $Shell (exit code $LASTEXITCODE)." }
    } finally {
        Pop-Location
    }
}

function Invoke-Test {
    Invoke-Dotnet test (Join-Path $root 'DistributedState.sln') -c $Configuration --nologo
    if (-not (Test-Path $manifest)) { Invoke-Build }
    Invoke-Pester5 -Shell 'pwsh'
    if ($PSVersionTable.PSEdition -eq 'Desktop' -or $IsWindows) { Invoke-Pester5 -Shell 'powershell.exe' }
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
        'Docs'    { Invoke-Docs }
        'Test'    { Invoke-Test }
        'Package' { Invoke-Package }
    }
}
