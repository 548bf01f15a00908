<#
.SYNOPSIS
    Exports the proxy configuration of a Configuration Manager hierarchy as a sitectl LiveState document.

.DESCRIPTION
    Run it on a machine with the Configuration Manager console, from any folder, in Windows
    PowerShell 5.1 or PowerShell 7. It imports the ConfigurationManager module as the console
    does (by path, from SMS_ADMIN_UI_PATH, when it is not importable by name), connects to the
    site drive (creating it when it is missing), and reads, in four cmdlet calls whatever the
    size of the hierarchy and one per site for its accounts:
      - the sites (Get-CMSite): code, type, release (from the build number), parent, site server;
      - every site system server (Get-CMSiteSystemServer -AllSite) and its proxy, from the
        embedded properties UseProxy, ProxyName, ProxyServerPort, AnonymousProxyAccess and
        ProxyUserName of its "SMS Site System" role;
      - the roles on every server (Get-CMSiteRole -AllSite), mapped to sitectl role types;
      - the software update point options UseProxy and UseProxyForADR (Get-CMSoftwareUpdatePoint -AllSite);
      - the names of each site's ConfigMgr accounts (Get-CMAccount -SiteCode), so sitectl can
        warn AccountNotFound.
    It writes the JSON (UTF-8, no BOM) that `sitectl diff --live FILE` reads. Keep
    SitectlSite.ps1 beside it: both are in the scripts folder of the sitectl package.

    It reads no secret and writes none: accounts are exported by name only.

.PARAMETER SiteCode
    Code of the site whose drive to use (the top-level site sees the whole hierarchy), e.g. CAS.

.PARAMETER Path
    Where to write the JSON, absolute or relative to the current folder. Default: live-state.json.

.PARAMETER ProviderMachineName
    The SMS Provider's host, needed only when the site drive does not exist yet.

.PARAMETER Hotfixes
    KB ids installed on every site that change proxy behaviour (for example KB33247081),
    since they cannot be read reliably from the site. When left out, the export says nothing
    about hotfixes and sitectl does not compare them.

.EXAMPLE
    .\Export-SitectlLiveState.ps1 -SiteCode CAS -Path .\live.json
    npx sitectl diff -f .\site-config --live .\live.json
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][ValidatePattern('^[A-Za-z0-9]{3}$')][string]$SiteCode,
    [ValidateNotNullOrEmpty()][string]$Path = 'live-state.json',
    [string]$ProviderMachineName,
    [ValidatePattern('^KB[0-9]{5,9}$')][string[]]$Hotfixes = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2
# Connect-SitectlSite and Read-SitectlLiveState: shared with the scripts sitectl renders and runs.
$library = Join-Path $PSScriptRoot 'SitectlSite.ps1'
if (-not (Test-Path -LiteralPath $library)) { throw "SitectlSite.ps1 must sit beside this script: copy both from the scripts folder of the sitectl package." }
. $library

# Resolve the output path now: on the site drive a relative path means something else, and the
# caller may already stand on one.
$outputPath = if ([IO.Path]::IsPathRooted($Path)) { $Path } else { Join-Path (Get-Location -PSProvider FileSystem).ProviderPath $Path }
$outputPath = [IO.Path]::GetFullPath($outputPath)

Connect-SitectlSite -SiteCode $SiteCode -ProviderMachineName $ProviderMachineName
Push-Location "$($SiteCode):\"
try {
    $state = Read-SitectlLiveState
} finally {
    Pop-Location
}
if ($Hotfixes.Count -gt 0) { foreach ($site in $state.sites) { $site.hotfixes = @($Hotfixes) } }
$state.exportedAt = (Get-Date).ToUniversalTime().ToString('o')
$state.exportedBy = 'Export-SitectlLiveState.ps1'
# UTF-8 without a BOM in both editions (Set-Content -Encoding utf8 adds one in Windows PowerShell 5.1).
[IO.File]::WriteAllText($outputPath, (ConvertTo-Json -InputObject $state -Depth 8), (New-Object System.Text.UTF8Encoding $false))
Write-Host "Wrote $($state.servers.Count) site system servers of $($state.sites.Count) sites to $outputPath"
