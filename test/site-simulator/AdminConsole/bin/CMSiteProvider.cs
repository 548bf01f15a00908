// The CMSite drive provider of the simulated ConfigurationManager module. The real module's
// site drive is a PowerShell provider named CMSite (DOMAIN.md, "Running the
// ConfigurationManager module": New-PSDrive -PSProvider CMSite -Root provider.fqdn;
// Get-PSDrive -PSProvider CMSite). The simulator only needs a drive that can be created,
// listed and entered; it has no items.
using System.Management.Automation;
using System.Management.Automation.Provider;

[CmdletProvider("CMSite", ProviderCapabilities.None)]
public class SitectlSimulatedCMSiteProvider : NavigationCmdletProvider
{
    protected override bool IsValidPath(string path) { return true; }
    protected override bool ItemExists(string path) { return true; }
    protected override bool IsItemContainer(string path) { return true; }
    protected override void GetItem(string path) { WriteItemObject(path, path, true); }
}
