#Requires -Modules ConfigurationManager
<#
.SYNOPSIS
    Exports the proxy configuration of a Configuration Manager hierarchy as a sitectl LiveState document.

.DESCRIPTION
    Run it on a machine with the Configuration Manager console. It reads:
      - the sites (Get-CMSite): code, type, release (from the build number), parent, site server;
      - every site system server (Get-CMSiteSystemServer -AllSite) and its proxy, from the
        embedded properties UseProxy, ProxyName, ProxyServerPort, AnonymousProxyAccess and
        ProxyUserName of its "SMS Site System" role;
      - the roles on each server (Get-CMSiteRole), mapped to sitectl role types;
      - the software update point options UseProxy and UseProxyForADR (Get-CMSoftwareUpdatePoint);
      - the names of the ConfigMgr accounts (Get-CMAccount), so sitectl can warn AccountNotFound.
    and writes the JSON that `sitectl diff --live FILE` reads.

    It reads no secret and writes none: accounts are exported by name only.

.PARAMETER SiteCode
    Code of the site whose PSDrive to use (the top-level site sees the whole hierarchy), e.g. CAS.

.PARAMETER Path
    Where to write the JSON. Default: live-state.json in the current folder.

.PARAMETER ProviderMachineName
    The SMS Provider's host, needed only when the site's PSDrive does not exist yet.

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
    [string]$Path = (Join-Path (Get-Location).ProviderPath 'live-state.json'),
    [string]$ProviderMachineName,
    [ValidatePattern('^KB[0-9]{5,9}$')][string[]]$Hotfixes = @()
)

$ErrorActionPreference = 'Stop'
# Resolve the output path before switching to the site drive, where relative paths mean something else.
$outputPath = [System.IO.Path]::GetFullPath((Join-Path (Get-Location).ProviderPath $Path))

if (-not (Get-PSDrive -Name $SiteCode -PSProvider CMSite -ErrorAction SilentlyContinue)) {
    if (-not $ProviderMachineName) { throw "There is no $SiteCode site drive yet: give -ProviderMachineName (the SMS Provider host)." }
    New-PSDrive -Name $SiteCode -PSProvider CMSite -Root $ProviderMachineName | Out-Null
}

# Site build numbers of the current-branch releases (the third part of the site version, 5.00.BUILD.xxxx).
# Extend this table when a new release ships; an unknown build is exported as the newest release below it.
# The builds listed for 2509 and 2603 were not verified against a live site: compare (Get-CMSite).BuildNumber.
$Releases = [ordered]@{
    8913 = 1910; 8968 = 2002; 9012 = 2006; 9040 = 2010; 9049 = 2103; 9058 = 2107; 9068 = 2111
    9078 = 2203; 9088 = 2207; 9096 = 2211; 9106 = 2303; 9122 = 2309; 9128 = 2403; 9132 = 2409
    9135 = 2503; 9139 = 2509; 9145 = 2603
}
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

function Get-EmbeddedValue([object[]]$Props, [string]$Name, [string]$Field = 'Value') {
    $prop = $Props | Where-Object PropertyName -eq $Name | Select-Object -First 1
    if ($prop) { return $prop.$Field }
    return $null
}

function ConvertTo-Release([int]$Build) {
    $release = $null
    foreach ($known in $Releases.Keys) { if ($known -le $Build) { $release = $Releases[$known] } }
    if (-not $release) { throw "Site build $Build is older than any release sitectl knows (1910)." }
    return $release
}

function ConvertTo-SitectlProxy([object[]]$Props) {
    if ((Get-EmbeddedValue $Props 'UseProxy') -ne 1) { return $null }
    # AnonymousProxyAccess = 1 means the System account, whatever ProxyUserName still holds.
    $account = $null
    if ((Get-EmbeddedValue $Props 'AnonymousProxyAccess') -ne 1) {
        $user = Get-EmbeddedValue $Props 'ProxyUserName' 'Value1'
        if ($user) { $account = [string]$user }
    }
    $port = Get-EmbeddedValue $Props 'ProxyServerPort'
    return [ordered]@{
        server  = [string](Get-EmbeddedValue $Props 'ProxyName' 'Value1')
        port    = $(if ($port) { [int]$port } else { 80 })
        account = $account
    }
}

Push-Location "$($SiteCode):\"
try {
    $sites = @(Get-CMSite | ForEach-Object {
        $site = [ordered]@{
            code       = $_.SiteCode
            type       = $SiteTypes[[int]$_.Type]
            version    = ConvertTo-Release ([int]$_.BuildNumber)
            parent     = $(if ($_.ReportingSiteCode) { $_.ReportingSiteCode } else { $null })
            siteServer = $_.ServerName.ToLowerInvariant()
        }
        if ($Hotfixes.Count -gt 0) { $site.hotfixes = @($Hotfixes) }
        $site
    })

    $sups = @{}
    foreach ($sup in @(Get-CMSoftwareUpdatePoint)) {
        $sups["$($sup.NetworkOSPath.Trim('\').ToLowerInvariant())|$($sup.SiteCode)"] = $sup.Props
    }

    $servers = @(Get-CMSiteSystemServer -AllSite | ForEach-Object {
        $name = $_.NetworkOSPath.Trim('\').ToLowerInvariant()
        $site = $_.SiteCode
        $roles = @(Get-CMSiteRole -SiteSystemServerName $name -SiteCode $site | ForEach-Object {
            $type = $RoleTypes[$_.RoleName]
            if (-not $type) { return }
            $role = [ordered]@{ type = $type }
            if ($type -eq 'SoftwareUpdatePoint' -and $sups.ContainsKey("$name|$site")) {
                $props = $sups["$name|$site"]
                $role.useProxy = ((Get-EmbeddedValue $props 'UseProxy') -eq 1)
                $role.useProxyForAutomaticDeploymentRules = ((Get-EmbeddedValue $props 'UseProxyForADR') -eq 1)
            }
            $role
        })
        [ordered]@{ name = $name; site = $site; proxy = (ConvertTo-SitectlProxy $_.Props); roles = $roles }
    })

    $accounts = @(Get-CMAccount | ForEach-Object { [string]$_.UserName })
}
finally {
    Pop-Location
}

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
$state | ConvertTo-Json -Depth 8 | Set-Content -LiteralPath $outputPath -Encoding utf8
Write-Host "Wrote $($servers.Count) site system servers of $($sites.Count) sites to $outputPath"
