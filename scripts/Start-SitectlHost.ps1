<#
.SYNOPSIS
    The PowerShell side of `sitectl --backend configmgr`: reads and writes a Configuration
    Manager site on sitectl's requests. sitectl starts it; you do not run it yourself.

.DESCRIPTION
    It imports the ConfigurationManager module as the console does, connects to the site
    drive, says it is ready, and then answers requests, one JSON object per line on standard
    input, with JSON objects, one per line on standard output. Every line it writes for
    sitectl has "sitectl": 1; values cross only as JSON data, never as code, and in ASCII
    alone (\u escapes), so no console code page can change them.

      {"id": 1, "op": "read"}
          -> {"sitectl": 1, "id": 1, "ok": true, "state": LiveState without bookkeeping}
      {"id": 2, "op": "apply", "changes": [change, ...]}
          -> one {"sitectl": 1, "id": 2, "server": S, "outcome": "applied|skipped|failed", "message": M}
             per change, as each ends, then {"sitectl": 1, "id": 2, "ok": true, "done": true}
      a request that fails as a whole -> {"sitectl": 1, "id": N, "ok": false, "error": M}

    A change is {"server", "site", "description", "expectedProxy": {server, port, account}|null,
    "expectedUpdatePoint": {useProxy?, useProxyForAutomaticDeploymentRules?}|null,
    "writeProxy": bool, "proxy": {server, port, account|null}|null,
    "updatePoint": {useProxy, useProxyForAutomaticDeploymentRules}|null}. Before writing, the
    site's servers and update points are read again (two calls), with the accounts of each site
    whose servers get one (a call per such site), and a server that is no longer as expected is
    skipped (Set-SitectlServer in SitectlSite.ps1).

.PARAMETER SiteCode
    The site whose drive to use; the top-level site sees the whole hierarchy.

.PARAMETER ProviderMachineName
    The SMS Provider host, needed only when the site drive does not exist yet.

.PARAMETER ParentProcessId
    sitectl's process: once it is gone, the host writes no more servers, since nobody would
    record them, and exits.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][ValidatePattern('^[A-Za-z0-9]{3}$')][string]$SiteCode,
    [string]$ProviderMachineName,
    [int]$ParentProcessId = 0
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2
# Warnings and progress would reach standard output, which belongs to the protocol.
$WarningPreference = 'SilentlyContinue'
$ProgressPreference = 'SilentlyContinue'
. (Join-Path $PSScriptRoot 'SitectlSite.ps1')

function Send-SitectlMessage([hashtable]$Message) {
    $Message.sitectl = 1
    $json = ConvertTo-Json -InputObject $Message -Depth 12 -Compress
    $ascii = [regex]::Replace($json, '[^\x00-\x7F]', { param($match) '\u{0:x4}' -f [int][char]$match.Value })
    [Console]::Out.WriteLine($ascii)
    [Console]::Out.Flush()
}

function ConvertTo-SitectlExpectedProxy($Proxy) {
    if ($null -eq $Proxy) { return $null }
    return @{ Server = [string]$Proxy.server; Port = [int]$Proxy.port; Account = [string]$Proxy.account }
}

function ConvertTo-SitectlExpectedUpdatePoint($Options) {
    if ($null -eq $Options) { return $null }
    $expected = @{}
    foreach ($name in @($Options.PSObject.Properties.Name)) {
        if ($name -eq 'useProxy') { $expected.UseProxy = [bool]$Options.useProxy }
        if ($name -eq 'useProxyForAutomaticDeploymentRules') { $expected.UseProxyForAutoDeploymentRule = [bool]$Options.useProxyForAutomaticDeploymentRules }
    }
    return $expected
}

# The cmdlet calls of one change, with its values as parameters.
function Write-SitectlChange($Change) {
    $target = @{ SiteSystemServerName = [string]$Change.server; SiteCode = [string]$Change.site }
    if ($Change.writeProxy) {
        $proxy = $Change.proxy
        if ($null -eq $proxy) {
            Set-CMSiteSystemServer @target -EnableProxy $false
        } elseif ($proxy.account) {
            Set-CMSiteSystemServer @target -EnableProxy $true -ProxyServerName ([string]$proxy.server) -ProxyServerPort ([int]$proxy.port) -ProxyAccessAccount (Get-SitectlAccount ([string]$proxy.account) ([string]$Change.site))
        } else {
            Set-CMSiteSystemServer @target -EnableProxy $true -ProxyServerName ([string]$proxy.server) -ProxyServerPort ([int]$proxy.port)
        }
    }
    if ($null -ne $Change.updatePoint) {
        Set-CMSoftwareUpdatePoint @target -UseProxy ([bool]$Change.updatePoint.useProxy) -UseProxyForAutoDeploymentRule ([bool]$Change.updatePoint.useProxyForAutomaticDeploymentRules)
    }
}

function Invoke-SitectlApply($Request) {
    $accountSites = @($Request.changes | Where-Object { $_.writeProxy -and $null -ne $_.proxy -and $_.proxy.account } | ForEach-Object { [string]$_.site } | Sort-Object -Unique)
    Read-SitectlSite -AccountSites $accountSites
    # The change being written, for the script block Set-SitectlServer runs: it holds no value, only this name.
    $write = { Write-SitectlChange $script:SitectlChange }
    foreach ($change in @($Request.changes)) {
        if ($script:Parent -and $script:Parent.HasExited) { exit 3 }
        $script:SitectlChange = $change
        $result = Set-SitectlServer -Server ([string]$change.server) -SiteCode ([string]$change.site) -Description ([string]$change.description) -Write $write `
            -ExpectedProxy (ConvertTo-SitectlExpectedProxy $change.expectedProxy) -ExpectedUpdatePoint (ConvertTo-SitectlExpectedUpdatePoint $change.expectedUpdatePoint)
        Send-SitectlMessage @{ id = $Request.id; server = [string]$change.server; outcome = $result.Outcome; message = $result.Message }
    }
    Send-SitectlMessage @{ id = $Request.id; ok = $true; done = $true }
}

$script:Parent = $null
if ($ParentProcessId -gt 0) { try { $script:Parent = [Diagnostics.Process]::GetProcessById($ParentProcessId) } catch { exit 3 } }

try {
    Connect-SitectlSite -SiteCode $SiteCode -ProviderMachineName $ProviderMachineName
    Set-Location "$($SiteCode):\"
} catch {
    Send-SitectlMessage @{ ready = $false; error = $_.Exception.Message }
    exit 2
}
Send-SitectlMessage @{ ready = $true; powershell = $PSVersionTable.PSVersion.ToString() }

while ($null -ne ($line = [Console]::In.ReadLine())) {
    if (-not $line.Trim()) { continue }
    $id = $null
    try {
        $request = ConvertFrom-Json $line
        $id = $request.id
        switch ([string]$request.op) {
            'read' { Send-SitectlMessage @{ id = $id; ok = $true; state = (Read-SitectlLiveState) } }
            'apply' { Invoke-SitectlApply $request }
            default { throw "unknown request '$($request.op)'" }
        }
    } catch {
        Send-SitectlMessage @{ id = $id; ok = $false; error = $_.Exception.Message }
    }
}
