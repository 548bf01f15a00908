<#
.SYNOPSIS
    Exports the proxy configuration of a Configuration Manager hierarchy as a sitectl LiveState document.

.DESCRIPTION
    Run it on a machine with the Configuration Manager console, from any folder, in Windows
    PowerShell 5.1 or PowerShell 7. It imports the ConfigurationManager module as the console
    does (by path, from SMS_ADMIN_UI_PATH, when it is not importable by name), connects to the
    site drive (creating it when it is missing), and reads, in five cmdlet calls whatever the
    size of the hierarchy:
      - the sites (Get-CMSite): code, type, release (from the build number), parent, site server;
      - every site system server (Get-CMSiteSystemServer -AllSite) and its proxy, from the
        embedded properties UseProxy, ProxyName, ProxyServerPort, AnonymousProxyAccess and
        ProxyUserName of its "SMS Site System" role;
      - the roles on every server (Get-CMSiteRole -AllSite), mapped to sitectl role types;
      - the software update point options UseProxy and UseProxyForADR (Get-CMSoftwareUpdatePoint -AllSite);
      - the names of the ConfigMgr accounts (Get-CMAccount), so sitectl can warn AccountNotFound.
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
# Connect-SitectlSite, Get-SitectlKey, Get-SitectlProperty, Get-SitectlProxy: shared with the scripts sitectl renders.
$library = Join-Path $PSScriptRoot 'SitectlSite.ps1'
if (-not (Test-Path -LiteralPath $library)) { throw "SitectlSite.ps1 must sit beside this script: copy both from the scripts folder of the sitectl package." }
. $library

# Site builds of the current-branch releases (the third part of the site version, 5.00.BUILD.xxxx),
# from Microsoft's "Updates for Configuration Manager" table, oldest first. Extend it when a new
# release ships; an unknown build is exported as the newest release at or below it.
$Releases = @(
    @(8913, 1910), @(8968, 2002), @(9012, 2006), @(9040, 2010), @(9049, 2103), @(9058, 2107), @(9068, 2111),
    @(9078, 2203), @(9088, 2207), @(9096, 2211), @(9106, 2303), @(9122, 2309), @(9128, 2403), @(9132, 2409),
    @(9135, 2503), @(9141, 2509), @(9146, 2603)
)
$SiteTypes = @{ 1 = 'SecondarySite'; 2 = 'PrimarySite'; 4 = 'CentralAdministrationSite' }
# Role names as ConfigMgr stores them (SMS_SCI_SysResUse.RoleName) -> sitectl role types.
$RoleTypes = @{
    'SMS Software Update Point'     = 'SoftwareUpdatePoint'
    'SMS Distribution Point'        = 'DistributionPoint'
    'SMS Management Point'          = 'ManagementPoint'
    'SMS Dmp Connector'             = 'ServiceConnectionPoint'
    'AI Update Service Point'       = 'AssetIntelligenceSynchronizationPoint'
    'SMS Cloud Proxy Connector'     = 'CloudManagementGatewayConnectionPoint'
    'SMS Exchange Server Connector' = 'ExchangeServerConnector'
}

function ConvertTo-Release([int]$Build) {
    $release = $null
    foreach ($known in $Releases) { if ($known[0] -le $Build) { $release = $known[1] } }
    if (-not $release) { throw "Site build $Build is older than any release sitectl knows (1910, build 8913)." }
    return $release
}

# Resolve the output path now: on the site drive a relative path means something else, and the
# caller may already stand on one.
$outputPath = if ([IO.Path]::IsPathRooted($Path)) { $Path } else { Join-Path (Get-Location -PSProvider FileSystem).ProviderPath $Path }
$outputPath = [IO.Path]::GetFullPath($outputPath)

Connect-SitectlSite -SiteCode $SiteCode -ProviderMachineName $ProviderMachineName
Push-Location "$($SiteCode):\"
try {
    $siteObjects = @(Get-CMSite)
    $systems = @(Get-CMSiteSystemServer -AllSite)
    $roleObjects = @(Get-CMSiteRole -AllSite)
    $supObjects = @(Get-CMSoftwareUpdatePoint -AllSite)
    $accounts = @(Get-CMAccount | ForEach-Object { [string]$_.UserName })
} finally {
    Pop-Location
}

$sites = @(foreach ($s in $siteObjects) {
        $type = $SiteTypes[[int]$s.Type]
        if (-not $type) { throw "Site $($s.SiteCode) has type $($s.Type), which sitectl does not know." }
        $site = [ordered]@{
            code       = [string]$s.SiteCode
            type       = $type
            version    = ConvertTo-Release ([int]$s.BuildNumber)
            parent     = $(if ($s.ReportingSiteCode) { [string]$s.ReportingSiteCode } else { $null })
            siteServer = ([string]$s.ServerName).ToLowerInvariant()
        }
        if ($Hotfixes.Count -gt 0) { $site.hotfixes = @($Hotfixes) }
        $site
    })

$sups = @{}
foreach ($sup in $supObjects) { $sups[(Get-SitectlKey $sup.NetworkOSPath $sup.SiteCode)] = $sup }

$rolesByServer = @{}
foreach ($role in $roleObjects) {
    $type = $RoleTypes[[string]$role.RoleName]
    if (-not $type) { continue }
    $key = Get-SitectlKey $role.NetworkOSPath $role.SiteCode
    $entry = [ordered]@{ type = $type }
    if ($type -eq 'SoftwareUpdatePoint' -and $sups.ContainsKey($key)) {
        $entry.useProxy = ((Get-SitectlProperty $sups[$key] 'UseProxy' 'Value') -eq 1)
        $entry.useProxyForAutomaticDeploymentRules = ((Get-SitectlProperty $sups[$key] 'UseProxyForADR' 'Value') -eq 1)
    }
    if (-not $rolesByServer.ContainsKey($key)) { $rolesByServer[$key] = New-Object System.Collections.ArrayList }
    [void]$rolesByServer[$key].Add($entry)
}

$servers = @(foreach ($system in $systems) {
        $key = Get-SitectlKey $system.NetworkOSPath $system.SiteCode
        $roles = @(if ($rolesByServer.ContainsKey($key)) { $rolesByServer[$key] })
        [ordered]@{
            name  = $system.NetworkOSPath.TrimStart('\').ToLowerInvariant()
            site  = [string]$system.SiteCode
            proxy = (Get-SitectlProxy $system)
            roles = $roles
        }
    })

$state = [ordered]@{
    apiVersion = 'sitectl/v1'
    kind       = 'LiveState'
    revision   = 0
    sites      = $sites
    servers    = $servers
    accounts   = $accounts
    exportedAt = (Get-Date).ToUniversalTime().ToString('o')
    exportedBy = 'Export-SitectlLiveState.ps1'
}
# UTF-8 without a BOM in both editions (Set-Content -Encoding utf8 adds one in Windows PowerShell 5.1).
[IO.File]::WriteAllText($outputPath, (ConvertTo-Json -InputObject $state -Depth 8), (New-Object System.Text.UTF8Encoding $false))
Write-Host "Wrote $($servers.Count) site system servers of $($sites.Count) sites to $outputPath"
