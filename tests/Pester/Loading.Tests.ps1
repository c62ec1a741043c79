# Loading, each scenario in a fresh pwsh (an imported binary module stays loaded for the life of its process):
# import, Remove-Module and import again in one session; and a second module, built here, that loads its own
# Microsoft.Extensions.Logging.Abstractions beside ours, imported before and after it. The module ships no
# third-party DLL (the runtime logs through its own IDsnLogSink); these tests keep it so.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:modulePath = (Resolve-Path (Get-DsnTestModulePath)).Path
    $script:moduleFolder = Split-Path $modulePath

    # A tiny binary module whose cmdlet has an ILogger parameter, so PowerShell loads the logging assembly when it
    # reflects over the cmdlet at import, as it would for a real module with that dependency.
    $tinySource = Join-Path $TestDrive 'tiny'
    New-Item -ItemType Directory $tinySource | Out-Null
    Set-Content (Join-Path $tinySource 'Tiny.csproj') @'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>netstandard2.0</TargetFramework>
    <AssemblyName>DsnTestTinyLogger</AssemblyName>
    <GenerateDependencyFile>false</GenerateDependencyFile>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="PowerShellStandard.Library" Version="5.1.0-preview-06" PrivateAssets="all" ExcludeAssets="runtime" />
    <PackageReference Include="Microsoft.Extensions.Logging.Abstractions" Version="6.0.0" />
  </ItemGroup>
</Project>
'@
    Set-Content (Join-Path $tinySource 'TestTinyLoggerCommand.cs') @'
using System.Management.Automation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

[Cmdlet(VerbsDiagnostic.Test, "TinyLogger")]
[OutputType(typeof(string))]
public sealed class TestTinyLoggerCommand : PSCmdlet
{
    [Parameter]
    public ILogger Logger { get; set; } = NullLogger.Instance;

    protected override void ProcessRecord()
    {
        Logger.LogInformation("Tiny logs {Value}.", 42);
        WriteObject(typeof(ILogger).Assembly.GetName().Version.ToString());
    }
}
'@
    $tinyOut = Join-Path $TestDrive 'tiny-module'
    $build = & dotnet publish $tinySource -c Release -o $tinyOut --nologo 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Building the tiny logging module failed:`n$($build -join "`n")" }
    $script:tinyPath = Join-Path $tinyOut 'DsnTestTinyLogger.dll'

    $script:reimportScript = Join-Path $TestDrive 'reimport.ps1'
    Set-Content $reimportScript @'
param($ModulePath, $Dir)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$key = New-DsnKey
$first = Start-DsnNode -NodeId ld-a -Key $key -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $Dir 'ld-a.identity') -Confirm:$false
Remove-Module DistributedState
"after remove: running=$($first.IsRunning) commands=$(@(Get-Command -Module DistributedState -ErrorAction SilentlyContinue).Count)"
Import-Module $ModulePath
$second = Start-DsnNode -NodeId ld-a -Key $key -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $Dir 'ld-a.identity') -Confirm:$false
Set-DsnData -Key status -Value online -Confirm:$false
"after re-import: value=$((Get-DsnData -NodeId ld-a -Key status).Value) nodes=$((Get-DsnNode).NodeId -join ',') same=$([object]::ReferenceEquals($first, $second))"
Stop-DsnNode -Confirm:$false
'@

    $script:twoModulesScript = Join-Path $TestDrive 'two-modules.ps1'
    Set-Content $twoModulesScript @'
param($ModulePath, $TinyPath, $Order, $Dir)
$ErrorActionPreference = 'Stop'
foreach ($name in $Order -split ',') {
    if ($name -eq 'ours') { Import-Module $ModulePath } elseif ($name -eq 'tiny') { Import-Module $TinyPath }
}
if ($Order -like '*tiny*') { "tiny: $(Test-TinyLogger)" }
$node = Start-DsnNode -NodeId ld-b -Key (New-DsnKey) -Port 0 -BindAddress 127.0.0.1 -IdentityPath (Join-Path $Dir 'ld-b.identity') -Confirm:$false
Set-DsnData -Key status -Value online -Confirm:$false
"ours: $((Get-DsnData -NodeId ld-b -Key status).Value)"
$logging = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -like 'Microsoft.Extensions.Logging*' }
"logging: $(($logging | ForEach-Object { "$($_.GetName().Name) $($_.GetName().Version)" }) -join ', ')"
Stop-DsnNode -Confirm:$false
'@
}

Describe 'Loading the module' {
    It 'imports, removes and imports again in one session' {
        $output = Invoke-DsnTestChild $reimportScript -ArgumentList $modulePath, $TestDrive
        $output | Should -Contain 'after remove: running=False commands=0'
        $output | Should -Contain 'after re-import: value=online nodes=ld-a same=False'
    }

    It 'ships no third-party DLL: only its own assemblies and the .NET Standard polyfills' {
        $dlls = (Get-ChildItem $moduleFolder -Filter *.dll -Recurse).Name
        $dlls | Should -Contain 'DistributedState.dll'
        $dlls | Where-Object { $_ -notmatch '^(DistributedState(\.[A-Za-z]+)*|System(\.[A-Za-z]+)+|Microsoft\.Bcl\.[A-Za-z]+)\.dll$' } | Should -BeNullOrEmpty
    }

    It 'loads no logging library of its own, even with a node running' {
        $output = Invoke-DsnTestChild $twoModulesScript -ArgumentList $modulePath, $tinyPath, 'ours', $TestDrive
        $output | Should -Contain 'ours: online'
        $output | Should -Contain 'logging: '
    }

    It 'works beside a module with its own Microsoft.Extensions.Logging, imported <Order>' -ForEach @(
        @{ Order = 'tiny,ours' }
        @{ Order = 'ours,tiny' }
    ) {
        $output = Invoke-DsnTestChild $twoModulesScript -ArgumentList $modulePath, $tinyPath, $Order, $TestDrive
        $output | Should -Contain 'tiny: 6.0.0.0'
        $output | Should -Contain 'ours: online'
        $output | Should -Contain 'logging: Microsoft.Extensions.Logging.Abstractions 6.0.0.0'
    }
}
