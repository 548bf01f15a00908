<#
.SYNOPSIS
    Functions that read and write the proxy settings of a Configuration Manager site.

.DESCRIPTION
    Export-SitectlLiveState.ps1 dot-sources this file, and `sitectl plan -o powershell` copies
    it into every script it renders, so that both read a site the same way. It defines
    functions only. Written for Windows PowerShell 5.1 and tested on PowerShell 7, in ASCII
    alone, so that it reads the same in any code page.

    The callers set $ErrorActionPreference = 'Stop'. Invoke-SitectlChange and
    Skip-SitectlChange count into the caller's $applied, $skipped and $failed.
#>

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
        # Not a change to the site: made under -WhatIf too, so that the site can be read.
        New-PSDrive -Name $SiteCode -PSProvider CMSite -Root $ProviderMachineName -Scope Script -WhatIf:$false | Out-Null
    }
}

# The loops over every server and role spell this key out inline (keep them alike): a
# function call costs PowerShell about a tenth of a millisecond, seconds at 20,000 servers.
function Get-SitectlKey([string]$Server, [string]$SiteCode) {
    return "$($Server.TrimStart('\').ToLowerInvariant())|$($SiteCode.ToUpperInvariant())"
}

# One read of every site system server and software update point, whatever their number, and
# of the accounts of the sites named: an account is an item of one site's control file, and a
# server's proxy takes the account object of its own site.
function Read-SitectlSite([string[]]$AccountSites = @()) {
    $script:SitectlServers = @{}
    foreach ($system in @(Get-CMSiteSystemServer -AllSite)) { $script:SitectlServers["$($system.NetworkOSPath.TrimStart('\').ToLowerInvariant())|$($system.SiteCode.ToUpperInvariant())"] = $system }
    $script:SitectlUpdatePoints = @{}
    foreach ($sup in @(Get-CMSoftwareUpdatePoint -AllSite)) { $script:SitectlUpdatePoints["$($sup.NetworkOSPath.TrimStart('\').ToLowerInvariant())|$($sup.SiteCode.ToUpperInvariant())"] = $sup }
    $script:SitectlAccounts = @{}
    foreach ($site in $AccountSites) {
        foreach ($account in @(Get-CMAccount -SiteCode $site)) { $script:SitectlAccounts[(Get-SitectlKey ([string]$account.UserName) $site)] = $account }
    }
}

# The site's sites, site system servers (proxy and roles) and account names, as a sitectl
# LiveState document: four cmdlet calls whatever the size of the hierarchy, and one per site
# for its accounts. Run it on the site drive of the top-level site, which sees the whole hierarchy.
function Read-SitectlLiveState {
    # Site builds of the current-branch releases (the third part of 5.00.BUILD.xxxx), from
    # Microsoft's "Updates for Configuration Manager" table, oldest first. Extend it when a new
    # release ships; an unknown build reads as the newest release at or below it.
    $releases = @(
        @(8913, 1910), @(8968, 2002), @(9012, 2006), @(9040, 2010), @(9049, 2103), @(9058, 2107), @(9068, 2111),
        @(9078, 2203), @(9088, 2207), @(9096, 2211), @(9106, 2303), @(9122, 2309), @(9128, 2403), @(9132, 2409),
        @(9135, 2503), @(9141, 2509), @(9146, 2603)
    )
    $siteTypes = @{ 1 = 'SecondarySite'; 2 = 'PrimarySite'; 4 = 'CentralAdministrationSite' }
    # Role names as ConfigMgr stores them (SMS_SCI_SysResUse.RoleName) -> sitectl role types.
    $roleTypes = @{
        'SMS Software Update Point'     = 'SoftwareUpdatePoint'
        'SMS Distribution Point'        = 'DistributionPoint'
        'SMS Management Point'          = 'ManagementPoint'
        'SMS Dmp Connector'             = 'ServiceConnectionPoint'
        'AI Update Service Point'       = 'AssetIntelligenceSynchronizationPoint'
        'SMS Cloud Proxy Connector'     = 'CloudManagementGatewayConnectionPoint'
        'SMS Exchange Server Connector' = 'ExchangeServerConnector'
    }

    $siteObjects = @(Get-CMSite)
    $systems = @(Get-CMSiteSystemServer -AllSite)
    $roleObjects = @(Get-CMSiteRole -AllSite)
    $supObjects = @(Get-CMSoftwareUpdatePoint -AllSite)
    # Accounts are per site: the names of every site's, once each (hashtable keys ignore case, as ConfigMgr does).
    $accounts = New-Object System.Collections.ArrayList
    $seen = @{}
    foreach ($s in $siteObjects) {
        foreach ($account in @(Get-CMAccount -SiteCode $s.SiteCode)) {
            $name = [string]$account.UserName
            if (-not $seen.ContainsKey($name)) { $seen[$name] = $true; [void]$accounts.Add($name) }
        }
    }

    $sites = @(foreach ($s in $siteObjects) {
            $type = $siteTypes[[int]$s.Type]
            if (-not $type) { throw "Site $($s.SiteCode) has type $($s.Type), which sitectl does not know." }
            $release = $null
            foreach ($known in $releases) { if ($known[0] -le [int]$s.BuildNumber) { $release = $known[1] } }
            if (-not $release) { throw "Site $($s.SiteCode) has build $($s.BuildNumber), older than any release sitectl knows (1910, build 8913)." }
            [ordered]@{
                code       = [string]$s.SiteCode
                type       = $type
                version    = $release
                parent     = $(if ($s.ReportingSiteCode) { [string]$s.ReportingSiteCode } else { $null })
                siteServer = ([string]$s.ServerName).ToLowerInvariant()
            }
        })

    $sups = @{}
    foreach ($sup in $supObjects) { $sups["$($sup.NetworkOSPath.TrimStart('\').ToLowerInvariant())|$($sup.SiteCode.ToUpperInvariant())"] = $sup }

    $rolesByServer = @{}
    foreach ($role in $roleObjects) {
        $type = $roleTypes[[string]$role.RoleName]
        if (-not $type) { continue }
        $key = "$($role.NetworkOSPath.TrimStart('\').ToLowerInvariant())|$($role.SiteCode.ToUpperInvariant())"
        $entry = [ordered]@{ type = $type }
        if ($type -eq 'SoftwareUpdatePoint' -and $sups.ContainsKey($key)) {
            $entry.useProxy = ((Get-SitectlProperty $sups[$key] 'UseProxy' 'Value') -eq 1)
            $entry.useProxyForAutomaticDeploymentRules = ((Get-SitectlProperty $sups[$key] 'UseProxyForADR' 'Value') -eq 1)
        }
        if (-not $rolesByServer.ContainsKey($key)) { $rolesByServer[$key] = [System.Collections.ArrayList]::new() }
        [void]$rolesByServer[$key].Add($entry)
    }

    $servers = @(foreach ($system in $systems) {
            $key = "$($system.NetworkOSPath.TrimStart('\').ToLowerInvariant())|$($system.SiteCode.ToUpperInvariant())"
            [ordered]@{
                name  = $system.NetworkOSPath.TrimStart('\').ToLowerInvariant()
                site  = [string]$system.SiteCode
                proxy = (Get-SitectlProxy $system)
                roles = @(if ($rolesByServer.ContainsKey($key)) { $rolesByServer[$key] })
            }
        })

    return [ordered]@{ apiVersion = 'sitectl/v1'; kind = 'LiveState'; revision = 0; sites = $sites; servers = $servers; accounts = @($accounts) }
}

# A property picked by name, never by position: other properties sit between the proxy ones.
function Get-SitectlProperty($Object, [string]$Name, [string]$Field) {
    # Not @($Object.Props): WMI gives an empty list as $null, and @($null) is a list of one $null.
    foreach ($prop in $Object.Props) { if ($null -ne $prop -and $prop.PropertyName -eq $Name) { return $prop.$Field } }
    return $null
}

# The proxy of a site system server in sitectl's LiveState shape; $null when it has none.
function Get-SitectlProxy($System) {
    # The properties by name, read once: a large hierarchy has tens of thousands of servers.
    $props = @{}
    foreach ($prop in $System.Props) { if ($null -ne $prop) { $props[[string]$prop.PropertyName] = $prop } }
    if (-not $props.ContainsKey('UseProxy') -or $props['UseProxy'].Value -ne 1) { return $null }
    $account = $null
    # AnonymousProxyAccess = 1 means the System account, whatever ProxyUserName still holds.
    if ((-not $props.ContainsKey('AnonymousProxyAccess') -or $props['AnonymousProxyAccess'].Value -ne 1) -and $props.ContainsKey('ProxyUserName')) {
        $user = [string]$props['ProxyUserName'].Value2
        if ($user) { $account = $user }
    }
    $port = if ($props.ContainsKey('ProxyServerPort')) { $props['ProxyServerPort'].Value } else { $null }
    return [ordered]@{
        server  = $(if ($props.ContainsKey('ProxyName')) { [string]$props['ProxyName'].Value2 } else { '' })
        port    = $(if ($port) { [int]$port } else { 80 })
        account = $account
    }
}

# Host and account compare case-insensitively (-eq on strings), as ConfigMgr treats them; '' is the System account.
function Test-SitectlProxy($System, $Expected) {
    $actual = Get-SitectlProxy $System
    if ($null -eq $Expected -or $null -eq $actual) { return ($null -eq $Expected -and $null -eq $actual) }
    return ($actual.server -eq $Expected.Server -and $actual.port -eq $Expected.Port -and "$($actual.account)" -eq $Expected.Account)
}

function Test-SitectlUpdatePoint([string]$Key, [hashtable]$Expected) {
    if (-not $script:SitectlUpdatePoints.ContainsKey($Key)) { return $false }
    $sup = $script:SitectlUpdatePoints[$Key]
    foreach ($option in @(@('UseProxy', 'UseProxy'), @('UseProxyForAutoDeploymentRule', 'UseProxyForADR'))) {
        if ($Expected.ContainsKey($option[0]) -and $Expected[$option[0]] -ne ((Get-SitectlProperty $sup $option[1] 'Value') -eq 1)) { return $false }
    }
    return $true
}

# The account object -ProxyAccessAccount takes: the one of the server's site, from the read of the accounts.
function Get-SitectlAccount([string]$UserName, [string]$SiteCode) {
    $key = Get-SitectlKey $UserName $SiteCode
    if (-not $script:SitectlAccounts.ContainsKey($key)) { throw "the account $UserName does not exist at site $SiteCode in ConfigMgr: add it there (Administration > Security > Accounts) or change the manifest" }
    return $script:SitectlAccounts[$key]
}

# Writes one server only while it is still what the plan saw, so nobody's newer edit is
# overwritten, and says how that went: Outcome applied, skipped or failed, with a Message;
# nothing under -WhatIf. Read-SitectlSite must have read the site first.
function Set-SitectlServer {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)][string]$Server,
        [Parameter(Mandatory)][string]$SiteCode,
        [AllowNull()][hashtable]$ExpectedProxy,
        [hashtable]$ExpectedUpdatePoint,
        [Parameter(Mandatory)][string]$Description,
        [Parameter(Mandatory)][scriptblock]$Write
    )
    $key = Get-SitectlKey $Server $SiteCode
    if (-not $script:SitectlServers.ContainsKey($key)) {
        return [pscustomobject]@{ Outcome = 'skipped'; Message = "not a site system server of site $SiteCode yet; add it and its roles in ConfigMgr, then run this again." }
    }
    if (-not (Test-SitectlProxy $script:SitectlServers[$key] $ExpectedProxy) -or ($ExpectedUpdatePoint -and -not (Test-SitectlUpdatePoint $key $ExpectedUpdatePoint))) {
        return [pscustomobject]@{ Outcome = 'skipped'; Message = 'no longer what the plan saw; skipped. Export the site and plan again.' }
    }
    if (-not $PSCmdlet.ShouldProcess($Server, $Description)) { return }
    try {
        $null = & $Write
        return [pscustomobject]@{ Outcome = 'applied'; Message = '' }
    } catch {
        return [pscustomobject]@{ Outcome = 'failed'; Message = $_.Exception.Message }
    }
}

# Set-SitectlServer for a rendered script: counts the outcome into $applied, $skipped and
# $failed, warns about a skip and puts a failure on standard error as one plain line.
function Invoke-SitectlChange {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)][string]$Server,
        [Parameter(Mandatory)][string]$SiteCode,
        [AllowNull()][hashtable]$ExpectedProxy,
        [hashtable]$ExpectedUpdatePoint,
        [Parameter(Mandatory)][string]$Description,
        [Parameter(Mandatory)][scriptblock]$Write
    )
    $result = Set-SitectlServer @PSBoundParameters
    if (-not $result) { return }
    switch ($result.Outcome) {
        'applied' { $script:applied++ }
        'skipped' { Write-Warning "$($Server): $($result.Message)"; $script:skipped++ }
        'failed' { $Host.UI.WriteErrorLine("$($Server): $($result.Message)"); $script:failed++ }
    }
}

# A change the plan lists but nothing here can write yet.
function Skip-SitectlChange([string]$Server, [string]$Reason) {
    Write-Warning "$($Server): $Reason"
    $script:skipped++
}
