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
    It writes the JSON (UTF-8, no BOM) that `sitectl diff --live FILE` reads.

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

function Connect-SitectlSite([string]$SiteCode, [string]$ProviderMachineName) {
    if (-not (Get-Module -Name ConfigurationManager)) {
        if (Get-Module -ListAvailable -Name ConfigurationManager) {
            Import-Module ConfigurationManager
        } elseif ($env:SMS_ADMIN_UI_PATH) {
            # As the console's "Connect via Windows PowerShell" does: the module sits beside bin\i386.
            Import-Module (Join-Path (Split-Path $env:SMS_ADMIN_UI_PATH -Parent) 'ConfigurationManager.psd1')
        } else {
            throw 'The ConfigurationManager module was not found: run this on a machine with the Configuration Manager console (SMS_ADMIN_UI_PATH is not set).'
        }
    }
    if (-not (Get-PSDrive -Name $SiteCode -PSProvider CMSite -ErrorAction SilentlyContinue)) {
        if (-not $ProviderMachineName) { throw "There is no $SiteCode site drive yet: give -ProviderMachineName (the SMS Provider host)." }
        New-PSDrive -Name $SiteCode -PSProvider CMSite -Root $ProviderMachineName -Scope Script | Out-Null
    }
}

# A property picked by name, never by position: other properties sit between the proxy ones.
function Get-EmbeddedValue([object[]]$Props, [string]$Name, [string]$Field = 'Value') {
    $prop = @($Props) | Where-Object PropertyName -EQ $Name | Select-Object -First 1
    if ($prop) { return $prop.$Field }
    return $null
}

function ConvertTo-Release([int]$Build) {
    $release = $null
    foreach ($known in $Releases) { if ($known[0] -le $Build) { $release = $known[1] } }
    if (-not $release) { throw "Site build $Build is older than any release sitectl knows (1910, build 8913)." }
    return $release
}

function ConvertTo-SitectlProxy([object[]]$Props) {
    if ((Get-EmbeddedValue $Props 'UseProxy') -ne 1) { return $null }
    # AnonymousProxyAccess = 1 means the System account, whatever ProxyUserName still holds.
    $account = $null
    if ((Get-EmbeddedValue $Props 'AnonymousProxyAccess') -ne 1) {
        $user = Get-EmbeddedValue $Props 'ProxyUserName' 'Value2'
        if ($user) { $account = [string]$user }
    }
    $port = Get-EmbeddedValue $Props 'ProxyServerPort'
    return [ordered]@{
        server  = [string](Get-EmbeddedValue $Props 'ProxyName' 'Value2')
        port    = $(if ($port) { [int]$port } else { 80 })
        account = $account
    }
}

function Get-ServerKey($Record) {
    return "$($Record.NetworkOSPath.TrimStart('\').ToLowerInvariant())|$($Record.SiteCode)"
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
foreach ($sup in $supObjects) { $sups[(Get-ServerKey $sup)] = $sup.Props }

$rolesByServer = @{}
foreach ($role in $roleObjects) {
    $type = $RoleTypes[[string]$role.RoleName]
    if (-not $type) { continue }
    $key = Get-ServerKey $role
    $entry = [ordered]@{ type = $type }
    if ($type -eq 'SoftwareUpdatePoint' -and $sups.ContainsKey($key)) {
        $entry.useProxy = ((Get-EmbeddedValue $sups[$key] 'UseProxy') -eq 1)
        $entry.useProxyForAutomaticDeploymentRules = ((Get-EmbeddedValue $sups[$key] 'UseProxyForADR') -eq 1)
    }
    if (-not $rolesByServer.ContainsKey($key)) { $rolesByServer[$key] = New-Object System.Collections.ArrayList }
    [void]$rolesByServer[$key].Add($entry)
}

$servers = @(foreach ($system in $systems) {
        $key = Get-ServerKey $system
        $roles = @(if ($rolesByServer.ContainsKey($key)) { $rolesByServer[$key] })
        [ordered]@{
            name  = $system.NetworkOSPath.TrimStart('\').ToLowerInvariant()
            site  = [string]$system.SiteCode
            proxy = (ConvertTo-SitectlProxy $system.Props)
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
