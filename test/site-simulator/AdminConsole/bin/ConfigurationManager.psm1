# A simulated ConfigurationManager module: a test double of the real one, which cannot run
# here. It keeps one site hierarchy in the JSON file named by SITECTL_SIM_SITE and answers the
# cmdlets sitectl uses with objects of the shapes DOMAIN.md documents. Every behaviour cites
# its line in ../../README.md; anything else it is asked to do fails as "not simulated".
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

$SitePath = $env:SITECTL_SIM_SITE
if (-not $SitePath) { throw 'SITECTL_SIM_SITE is not set: the simulated site needs the path of its JSON file.' }
$CallLog = "$SitePath.calls"

# The CMSite drive provider is a small C# class, compiled once per source text into a cache
# folder (compiling takes seconds; loading the result does not).
$providerSource = Join-Path $PSScriptRoot 'CMSiteProvider.cs'
$providerHash = (Get-FileHash -LiteralPath $providerSource -Algorithm SHA256).Hash.Substring(0, 16)
$buildFolder = if ($env:SITECTL_SIM_BUILD) { $env:SITECTL_SIM_BUILD } else { Join-Path ([IO.Path]::GetTempPath()) 'sitectl-site-simulator' }
$providerDll = Join-Path $buildFolder "CMSiteProvider-$providerHash.dll"
if (-not (Test-Path -LiteralPath $providerDll)) {
    New-Item -ItemType Directory -Force -Path $buildFolder | Out-Null
    $compiled = Join-Path $buildFolder "CMSiteProvider-$providerHash-$PID.dll"
    Add-Type -TypeDefinition ([IO.File]::ReadAllText($providerSource)) -OutputAssembly $compiled -OutputType Library
    Move-Item -LiteralPath $compiled -Destination $providerDll -Force  # a rename: other test processes see all or nothing
}
if (-not (Get-PSProvider -PSProvider CMSite -ErrorAction SilentlyContinue)) { Import-Module -Name $providerDll -Global }

$script:Site = $null
$script:SiteStamp = ''

# The site as the file holds it now; read again only when the file changed (a test edits it
# between runs, or while a long-lived PowerShell process keeps the module loaded).
function Read-SimSite {
    $file = [IO.FileInfo]::new($SitePath)
    $stamp = "$($file.LastWriteTimeUtc.Ticks)/$($file.Length)"
    if ($stamp -ne $script:SiteStamp) {
        $script:Site = [IO.File]::ReadAllText($SitePath) | ConvertFrom-Json
        $script:SiteStamp = $stamp
    }
    return $script:Site
}

function Save-SimSite {
    $json = ConvertTo-Json -InputObject $script:Site -Depth 12
    $temporary = "$SitePath.$PID.tmp"
    [IO.File]::WriteAllText($temporary, $json, [Text.UTF8Encoding]::new($false))
    Move-Item -LiteralPath $temporary -Destination $SitePath -Force
    $file = [IO.FileInfo]::new($SitePath)
    $script:SiteStamp = "$($file.LastWriteTimeUtc.Ticks)/$($file.Length)"
}

# S1: every cmdlet call is counted, one line per call, so tests can see bulk reads.
function Add-SimCall([string]$Name) {
    [IO.File]::AppendAllText($CallLog, "$Name`n")
}

# S2: cmdlets run only from the site drive.
function Assert-SimSiteDrive {
    if ((Get-Location).Provider.Name -ne 'CMSite') {
        throw 'This command cannot be run from the current drive. To run this command you must first connect to a Configuration Manager drive.'
    }
}

function Get-SimHost($Record) {
    return $Record.NetworkOSPath.TrimStart('\').ToLowerInvariant()
}

# S3: without -AllSite or -SiteCode, a Get cmdlet answers for the site of the drive it runs from.
function Select-SimRole([string]$RoleName, [string]$Server, [string]$SiteCode, [bool]$AllSite) {
    $code = if ($SiteCode) { $SiteCode } elseif ($AllSite) { '' } else { (Get-Location).Drive.Name }
    $name = if ($Server) { $Server.ToLowerInvariant() } else { '' }
    foreach ($record in @((Read-SimSite).roles)) {
        if ($RoleName -and $record.RoleName -ne $RoleName) { continue }
        if ($code -and $record.SiteCode -ne $code) { continue }
        if ($name -and (Get-SimHost $record) -ne $name) { continue }
        $record
    }
}

# S4: results are copies typed as IResultObject#CLASS, Props as IResultObject#SMS_EmbeddedProperty.
function ConvertTo-SimResult($Record, [string]$Class) {
    $fields = [ordered]@{}
    foreach ($property in $Record.PSObject.Properties) { $fields[$property.Name] = $property.Value }
    # An empty Props list comes back as $null, as WMI gives an empty array property.
    if ($fields.Contains('Props') -and $null -ne $Record.Props) {
        $fields.Props = @(foreach ($prop in $Record.Props) {
                $embedded = [pscustomobject]@{ PropertyName = $prop.PropertyName; Value = $prop.Value; Value1 = $prop.Value1; Value2 = $prop.Value2 }
                $embedded.PSObject.TypeNames.Insert(0, 'IResultObject#SMS_EmbeddedProperty')
                $embedded
            })
        if ($fields.Props.Count -eq 0) { $fields.Props = $null }
    }
    $result = [pscustomobject]$fields
    $result.PSObject.TypeNames.Insert(0, "IResultObject#$Class")
    return $result
}

function Set-SimProp($Record, [string]$Name, [string]$Field, $Value) {
    $props = @(foreach ($p in $Record.Props) { if ($null -ne $p) { $p } })
    $prop = $props | Where-Object PropertyName -EQ $Name | Select-Object -First 1
    if (-not $prop) {
        $prop = [pscustomobject]@{ PropertyName = $Name; Value = 0; Value1 = ''; Value2 = '' }
        $Record.Props = $props + $prop
    }
    $prop.$Field = $Value
}

# S5: a write to a server the site is told to fail throws that message. S10: every write
# takes writeDelayMs, as a change to the site control file takes the SMS Provider a while.
function Assert-SimWritable([string]$Server) {
    $site = Read-SimSite
    if ($site.writeDelayMs -gt 0) { Start-Sleep -Milliseconds $site.writeDelayMs }
    $failures = $site.failWrites
    if ($failures -and $failures.PSObject.Properties[$Server.ToLowerInvariant()]) {
        throw $failures.PSObject.Properties[$Server.ToLowerInvariant()].Value
    }
}

function Get-SimTarget([string]$RoleName, [string]$Server, [string]$SiteCode) {
    $record = @(Select-SimRole -RoleName $RoleName -Server $Server -SiteCode $SiteCode -AllSite $false) | Select-Object -First 1
    if (-not $record) { throw "No object corresponds to the specified parameters: $RoleName on $Server (site $SiteCode)." }
    return $record
}

function Get-CMSite {
    [CmdletBinding()]
    param([string]$SiteCode)
    Add-SimCall 'Get-CMSite'
    Assert-SimSiteDrive
    foreach ($site in @((Read-SimSite).sites)) {
        if (-not $SiteCode -or $site.SiteCode -eq $SiteCode) { ConvertTo-SimResult $site 'SMS_Site' }
    }
}

function Get-CMSiteSystemServer {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$SiteSystemServerName, [string]$SiteCode, [switch]$AllSite)
    Add-SimCall 'Get-CMSiteSystemServer'
    Assert-SimSiteDrive
    $counts = @{}
    foreach ($role in @((Read-SimSite).roles)) {
        $key = "$(Get-SimHost $role)|$($role.SiteCode)"
        $counts[$key] = 1 + $(if ($counts.ContainsKey($key)) { $counts[$key] } else { 0 })
    }
    foreach ($record in @(Select-SimRole 'SMS Site System' $SiteSystemServerName $SiteCode $AllSite.IsPresent)) {
        $result = ConvertTo-SimResult $record 'SMS_SCI_SysResUse'
        $result | Add-Member -NotePropertyName RoleCount -NotePropertyValue $counts["$(Get-SimHost $record)|$($record.SiteCode)"] -Force
        $result
    }
}

function Get-CMSiteRole {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$SiteSystemServerName, [string]$SiteCode, [string]$RoleName, [switch]$AllSite)
    Add-SimCall 'Get-CMSiteRole'
    Assert-SimSiteDrive
    foreach ($record in @(Select-SimRole $RoleName $SiteSystemServerName $SiteCode $AllSite.IsPresent)) {
        ConvertTo-SimResult $record 'SMS_SCI_SysResUse'
    }
}

function Get-CMSoftwareUpdatePoint {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$SiteSystemServerName, [string]$SiteCode, [switch]$AllSite)
    Add-SimCall 'Get-CMSoftwareUpdatePoint'
    Assert-SimSiteDrive
    foreach ($record in @(Select-SimRole 'SMS Software Update Point' $SiteSystemServerName $SiteCode $AllSite.IsPresent)) {
        ConvertTo-SimResult $record 'SMS_SCI_SysResUse'
    }
}

# S6: Get-CMAccount returns the account objects of one site (-SiteCode, else the drive's site),
# or nothing for a name that site does not know.
function Get-CMAccount {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$UserName, [string]$SiteCode)
    Add-SimCall 'Get-CMAccount'
    Assert-SimSiteDrive
    $code = if ($SiteCode) { $SiteCode } else { (Get-Location).Drive.Name }
    foreach ($account in @((Read-SimSite).accounts)) {
        if ($account.SiteCode -ne $code) { continue }
        if (-not $UserName -or $account.UserName -eq $UserName) { ConvertTo-SimResult $account 'SMS_SCI_Reserved' }
    }
}

# S7: writing the proxy overwrites it whole: a left-out port becomes 80 and a left-out account
# the System account (AnonymousProxyAccess = 1, ProxyUserName left as it was). Turning the
# proxy off leaves the other proxy properties as they were. The account must be the object
# Get-CMAccount returns for the server's own site; a name, another site's account, or the
# nothing it returns for an unknown one, fails.
function Set-CMSiteSystemServer {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)][string]$SiteSystemServerName,
        [string]$SiteCode,
        [bool]$EnableProxy,
        [string]$ProxyServerName,
        [int]$ProxyServerPort,
        [ValidateNotNull()][object]$ProxyAccessAccount
    )
    Add-SimCall 'Set-CMSiteSystemServer'
    Assert-SimSiteDrive
    if ($PSBoundParameters.ContainsKey('ProxyAccessAccount') -and $ProxyAccessAccount.PSObject.TypeNames -notcontains 'IResultObject#SMS_SCI_Reserved') {
        throw "Cannot bind parameter 'ProxyAccessAccount'. Cannot convert the value of type '$($ProxyAccessAccount.GetType().FullName)' to type 'IResultObject'."
    }
    if (-not $PSBoundParameters.ContainsKey('EnableProxy')) { throw 'simulator: Set-CMSiteSystemServer without -EnableProxy is not simulated.' }
    if ($EnableProxy -and -not $ProxyServerName) { throw 'simulator: -EnableProxy $true without -ProxyServerName is not simulated.' }
    $record = Get-SimTarget 'SMS Site System' $SiteSystemServerName $SiteCode
    if ($ProxyAccessAccount -and $ProxyAccessAccount.SiteCode -ne $record.SiteCode) {
        throw "User account '$($ProxyAccessAccount.UserName)' was not found at site '$($record.SiteCode)'."
    }
    Assert-SimWritable $SiteSystemServerName
    if (-not $PSCmdlet.ShouldProcess($SiteSystemServerName, 'Set proxy')) { return }
    if ($EnableProxy) {
        Set-SimProp $record 'UseProxy' 'Value' 1
        Set-SimProp $record 'ProxyName' 'Value2' $ProxyServerName
        Set-SimProp $record 'ProxyServerPort' 'Value' $(if ($PSBoundParameters.ContainsKey('ProxyServerPort')) { $ProxyServerPort } else { 80 })
        if ($ProxyAccessAccount) {
            Set-SimProp $record 'AnonymousProxyAccess' 'Value' 0
            Set-SimProp $record 'ProxyUserName' 'Value2' $ProxyAccessAccount.UserName
        } else {
            Set-SimProp $record 'AnonymousProxyAccess' 'Value' 1
        }
    } else {
        Set-SimProp $record 'UseProxy' 'Value' 0
    }
    Save-SimSite
}

# S8: the software update point keeps its two proxy options in UseProxy and UseProxyForADR (Value, 0/1).
function Set-CMSoftwareUpdatePoint {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)][string]$SiteSystemServerName,
        [string]$SiteCode,
        [bool]$UseProxy,
        [bool]$UseProxyForAutoDeploymentRule
    )
    Add-SimCall 'Set-CMSoftwareUpdatePoint'
    Assert-SimSiteDrive
    $record = Get-SimTarget 'SMS Software Update Point' $SiteSystemServerName $SiteCode
    Assert-SimWritable $SiteSystemServerName
    if (-not $PSCmdlet.ShouldProcess($SiteSystemServerName, 'Set software update point proxy options')) { return }
    if ($PSBoundParameters.ContainsKey('UseProxy')) { Set-SimProp $record 'UseProxy' 'Value' ([int]$UseProxy) }
    if ($PSBoundParameters.ContainsKey('UseProxyForAutoDeploymentRule')) { Set-SimProp $record 'UseProxyForADR' 'Value' ([int]$UseProxyForAutoDeploymentRule) }
    Save-SimSite
}

# S9: importing the module connects to the last SMS Provider the console used, as a site
# drive, unless the site says that is turned off (a per-user setting on a real console).
$initial = Read-SimSite
if ($initial.autoDrive -and -not (Get-PSDrive -Name $initial.siteCode -PSProvider CMSite -ErrorAction SilentlyContinue)) {
    New-PSDrive -Name $initial.siteCode -PSProvider CMSite -Root $initial.provider -Scope Global -WhatIf:$false | Out-Null
}

Export-ModuleMember -Function Get-CMSite, Get-CMSiteSystemServer, Get-CMSiteRole, Get-CMSoftwareUpdatePoint, Get-CMAccount, Set-CMSiteSystemServer, Set-CMSoftwareUpdatePoint
