# A simulated ConfigurationManager module for sitectl's tests; see ../../README.md.
@{
    RootModule        = 'ConfigurationManager.psm1'
    ModuleVersion     = '5.2509.1'
    GUID              = '6f1f7c0e-4a0b-4a53-9a43-7f5c1d2b9e11'
    Description       = 'Simulated Configuration Manager site for sitectl tests. Not the real module.'
    FunctionsToExport = @(
        'Get-CMSite', 'Get-CMSiteSystemServer', 'Get-CMSiteRole', 'Get-CMSoftwareUpdatePoint', 'Get-CMAccount',
        'Set-CMSiteSystemServer', 'Set-CMSoftwareUpdatePoint'
    )
    CmdletsToExport   = @()
    AliasesToExport   = @()
    VariablesToExport = @()
}
