# A simulated ConfigurationManager module: a test double of the real one, which cannot run
# here. It keeps one site hierarchy in the JSON file named by SITECTL_SIM_SITE and answers the
# cmdlets sitectl uses with objects of the shapes DOMAIN.md documents. Every behaviour cites
# its line in ../../README.md; anything else it is asked to do fails as "not simulated".
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'
$importTimer = [Diagnostics.Stopwatch]::StartNew() # reading the site at import is the simulator's time too

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

$Journal = "$SitePath.writes"
$script:Site = $null
$script:SiteStamp = ''
$script:Index = @{}
$script:JournalRead = 0

function Get-SimKey([string]$RoleName, [string]$Server, [string]$SiteCode) {
    return "$RoleName|$($Server.TrimStart('\').ToLowerInvariant())|$($SiteCode.ToUpperInvariant())"
}

# The site as it is now: the file, read again only when it changed (a test edits it between
# runs, or while a long-lived PowerShell process keeps the module loaded), with the writes
# made since replayed from the journal beside it. A write appends one JSON line there, so it
# costs the same at 20,000 servers as at 5; the tests' SimulatedSite folds the journal back in.
function Read-SimSite {
    $file = [IO.FileInfo]::new($SitePath)
    $stamp = "$($file.LastWriteTimeUtc.Ticks)/$($file.Length)"
    if ($stamp -ne $script:SiteStamp) {
        $script:Site = [IO.File]::ReadAllText($SitePath) | ConvertFrom-Json
        $script:SiteStamp = $stamp
        $script:Index = @{}
        foreach ($record in @($script:Site.roles)) { $script:Index[(Get-SimKey $record.RoleName $record.NetworkOSPath $record.SiteCode)] = $record }
        $script:JournalRead = 0
    }
    if ((Test-Path -LiteralPath $Journal) -and [IO.FileInfo]::new($Journal).Length -gt $script:JournalRead) {
        $bytes = [IO.File]::ReadAllBytes($Journal)
        $end = [Array]::LastIndexOf($bytes, [byte]10) + 1 # whole lines only
        if ($end -gt $script:JournalRead) {
            $text = [Text.Encoding]::UTF8.GetString($bytes, $script:JournalRead, $end - $script:JournalRead)
            foreach ($line in $text.Split("`n")) { if ($line) { Set-SimWrite (ConvertFrom-Json $line) } }
            $script:JournalRead = $end
        }
    }
    return $script:Site
}

function Set-SimWrite($Write) {
    $record = $script:Index[$Write.key]
    foreach ($change in @($Write.set)) { Set-SimProp $record $change.name $change.field $change.value }
}

# Save-SimWrite makes one write: appended to the journal, then made in the site as read.
function Save-SimWrite($Record, [object[]]$Changes) {
    $write = [pscustomobject]@{ key = (Get-SimKey $Record.RoleName $Record.NetworkOSPath $Record.SiteCode); set = $Changes }
    [IO.File]::AppendAllText($Journal, (ConvertTo-Json -InputObject $write -Depth 5 -Compress) + "`n", [Text.UTF8Encoding]::new($false))
    $null = Read-SimSite
}

function New-SimChange([string]$Name, [string]$Field, $Value) {
    return [pscustomobject]@{ name = $Name; field = $Field; value = $Value }
}

# S1: every cmdlet call is counted, one line per call with the milliseconds it took, so tests
# can see bulk reads and the benchmark can tell the simulator's own time from sitectl's. The
# module's import is logged as '(module import)', which is not a cmdlet.
function Add-SimCall([string]$Name, [Diagnostics.Stopwatch]$Timer) {
    [IO.File]::AppendAllText($CallLog, "$Name`t$($Timer.Elapsed.TotalMilliseconds.ToString([Globalization.CultureInfo]::InvariantCulture))`n")
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
        # Inline, not Get-SimHost: a function call per object costs seconds at 20,000 servers.
        if ($name -and $record.NetworkOSPath.TrimStart('\').ToLowerInvariant() -ne $name) { continue }
        $record
    }
}

# S4: results are copies typed as IResultObject#CLASS, Props as IResultObject#SMS_EmbeddedProperty.
function ConvertTo-SimResult($Record, [string]$Class) {
    # PSTypeName in the dictionary types the object as it is made, at half the cost of TypeNames.Insert.
    $fields = [ordered]@{ PSTypeName = "IResultObject#$Class" }
    foreach ($property in $Record.PSObject.Properties) { $fields[$property.Name] = $property.Value }
    # An empty Props list comes back as $null, as WMI gives an empty array property.
    if ($fields.Contains('Props') -and $null -ne $Record.Props) {
        $fields.Props = @(foreach ($prop in $Record.Props) {
                [pscustomobject]@{ PSTypeName = 'IResultObject#SMS_EmbeddedProperty'; PropertyName = $prop.PropertyName; Value = $prop.Value; Value1 = $prop.Value1; Value2 = $prop.Value2 }
            })
        if ($fields.Props.Count -eq 0) { $fields.Props = $null }
    }
    return [pscustomobject]$fields
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
    $code = if ($SiteCode) { $SiteCode } else { (Get-Location).Drive.Name }
    $null = Read-SimSite
    $record = $script:Index[(Get-SimKey $RoleName $Server $code)]
    if (-not $record) { throw "No object corresponds to the specified parameters: $RoleName on $Server (site $SiteCode)." }
    return $record
}

function Get-CMSite {
    [CmdletBinding()]
    param([string]$SiteCode)
    $timer = [Diagnostics.Stopwatch]::StartNew()
    try {
        Assert-SimSiteDrive
        foreach ($site in @((Read-SimSite).sites)) {
            if (-not $SiteCode -or $site.SiteCode -eq $SiteCode) { ConvertTo-SimResult $site 'SMS_Site' }
        }
    } finally {
        Add-SimCall 'Get-CMSite' $timer
    }
}

function Get-CMSiteSystemServer {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$SiteSystemServerName, [string]$SiteCode, [switch]$AllSite)
    $timer = [Diagnostics.Stopwatch]::StartNew()
    try {
        Assert-SimSiteDrive
        $counts = @{}
        foreach ($role in @((Read-SimSite).roles)) {
            $key = "$($role.NetworkOSPath.TrimStart('\').ToLowerInvariant())|$($role.SiteCode)"
            $counts[$key] = 1 + $(if ($counts.ContainsKey($key)) { $counts[$key] } else { 0 })
        }
        foreach ($record in @(Select-SimRole 'SMS Site System' $SiteSystemServerName $SiteCode $AllSite.IsPresent)) {
            $result = ConvertTo-SimResult $record 'SMS_SCI_SysResUse'
            $result | Add-Member -NotePropertyName RoleCount -NotePropertyValue $counts["$(Get-SimHost $record)|$($record.SiteCode)"] -Force
            $result
        }
    } finally {
        Add-SimCall 'Get-CMSiteSystemServer' $timer
    }
}

function Get-CMSiteRole {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$SiteSystemServerName, [string]$SiteCode, [string]$RoleName, [switch]$AllSite)
    $timer = [Diagnostics.Stopwatch]::StartNew()
    try {
        Assert-SimSiteDrive
        foreach ($record in @(Select-SimRole $RoleName $SiteSystemServerName $SiteCode $AllSite.IsPresent)) {
            ConvertTo-SimResult $record 'SMS_SCI_SysResUse'
        }
    } finally {
        Add-SimCall 'Get-CMSiteRole' $timer
    }
}

function Get-CMSoftwareUpdatePoint {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$SiteSystemServerName, [string]$SiteCode, [switch]$AllSite)
    $timer = [Diagnostics.Stopwatch]::StartNew()
    try {
        Assert-SimSiteDrive
        foreach ($record in @(Select-SimRole 'SMS Software Update Point' $SiteSystemServerName $SiteCode $AllSite.IsPresent)) {
            ConvertTo-SimResult $record 'SMS_SCI_SysResUse'
        }
    } finally {
        Add-SimCall 'Get-CMSoftwareUpdatePoint' $timer
    }
}

# S6: Get-CMAccount returns the account objects of one site (-SiteCode, else the drive's site),
# or nothing for a name that site does not know.
function Get-CMAccount {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$UserName, [string]$SiteCode)
    $timer = [Diagnostics.Stopwatch]::StartNew()
    try {
        Assert-SimSiteDrive
        $code = if ($SiteCode) { $SiteCode } else { (Get-Location).Drive.Name }
        foreach ($account in @((Read-SimSite).accounts)) {
            if ($account.SiteCode -ne $code) { continue }
            if (-not $UserName -or $account.UserName -eq $UserName) { ConvertTo-SimResult $account 'SMS_SCI_Reserved' }
        }
    } finally {
        Add-SimCall 'Get-CMAccount' $timer
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
    $timer = [Diagnostics.Stopwatch]::StartNew()
    try {
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
            $port = if ($PSBoundParameters.ContainsKey('ProxyServerPort')) { $ProxyServerPort } else { 80 }
            $changes = @((New-SimChange 'UseProxy' 'Value' 1), (New-SimChange 'ProxyName' 'Value2' $ProxyServerName), (New-SimChange 'ProxyServerPort' 'Value' $port))
            if ($ProxyAccessAccount) {
                $changes += @((New-SimChange 'AnonymousProxyAccess' 'Value' 0), (New-SimChange 'ProxyUserName' 'Value2' $ProxyAccessAccount.UserName))
            } else {
                $changes += New-SimChange 'AnonymousProxyAccess' 'Value' 1
            }
        } else {
            $changes = @(New-SimChange 'UseProxy' 'Value' 0)
        }
        Save-SimWrite $record $changes
    } finally {
        Add-SimCall 'Set-CMSiteSystemServer' $timer
    }
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
    $timer = [Diagnostics.Stopwatch]::StartNew()
    try {
        Assert-SimSiteDrive
        $record = Get-SimTarget 'SMS Software Update Point' $SiteSystemServerName $SiteCode
        Assert-SimWritable $SiteSystemServerName
        if (-not $PSCmdlet.ShouldProcess($SiteSystemServerName, 'Set software update point proxy options')) { return }
        $changes = @()
        if ($PSBoundParameters.ContainsKey('UseProxy')) { $changes += New-SimChange 'UseProxy' 'Value' ([int]$UseProxy) }
        if ($PSBoundParameters.ContainsKey('UseProxyForAutoDeploymentRule')) { $changes += New-SimChange 'UseProxyForADR' 'Value' ([int]$UseProxyForAutoDeploymentRule) }
        Save-SimWrite $record $changes
    } finally {
        Add-SimCall 'Set-CMSoftwareUpdatePoint' $timer
    }
}

# S9: importing the module connects to the last SMS Provider the console used, as a site
# drive, unless the site says that is turned off (a per-user setting on a real console).
$initial = Read-SimSite
if ($initial.autoDrive -and -not (Get-PSDrive -Name $initial.siteCode -PSProvider CMSite -ErrorAction SilentlyContinue)) {
    New-PSDrive -Name $initial.siteCode -PSProvider CMSite -Root $initial.provider -Scope Global -WhatIf:$false | Out-Null
}

Add-SimCall '(module import)' $importTimer

Export-ModuleMember -Function Get-CMSite, Get-CMSiteSystemServer, Get-CMSiteRole, Get-CMSoftwareUpdatePoint, Get-CMAccount, Set-CMSiteSystemServer, Set-CMSoftwareUpdatePoint
