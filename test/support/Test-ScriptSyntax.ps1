<#
.SYNOPSIS
    Parses scripts with PowerShell's own parser and lists, per file, the parse errors, any
    syntax or cmdlet use that Windows PowerShell 5.1 lacks (DOMAIN.md: no ? :, ??, ?., &&, ||,
    ForEach-Object -Parallel), and the command structure: every command with its parameter
    names and number of elements, in order. Writes one JSON array to stdout. Test support only.
#>
param([Parameter(Mandatory, ValueFromRemainingArguments)][string[]]$Path)
$ErrorActionPreference = 'Stop'
# Tokens of operators that PowerShell 7 added.
$NewerTokens = @('QuestionQuestion', 'QuestionQuestionEquals', 'QuestionDot', 'QuestionLBracket', 'AndAnd', 'OrOr')
# Parameters that only PowerShell 7's cmdlets have, by the cmdlets that take them.
$NewerParameters = @{
    'ForEach-Object' = @('Parallel', 'ThrottleLimit', 'AsJob'); '%' = @('Parallel'); 'foreach' = @('Parallel')
    'ConvertFrom-Json' = @('AsHashtable', 'Depth', 'NoEnumerate'); 'ConvertTo-Json' = @('EscapeHandling', 'AsArray')
    'Get-Content' = @('AsByteStream'); 'Set-Content' = @('AsByteStream'); 'Add-Content' = @('AsByteStream')
}
$NewerCommands = @('Join-String', 'Test-Json', 'Get-Error', 'ConvertFrom-Markdown', 'Get-Uptime', 'Remove-Alias')

$report = foreach ($file in $Path) {
    $tokens = $null
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref]$tokens, [ref]$errors)
    $newer = New-Object System.Collections.ArrayList
    foreach ($token in $tokens) {
        if ($NewerTokens -contains [string]$token.Kind) { [void]$newer.Add("$($token.Kind) '$($token.Text)' at $($token.Extent.StartLineNumber):$($token.Extent.StartColumnNumber)") }
    }
    $nodes = $ast.FindAll({ param($node)
            $node -is [System.Management.Automation.Language.TernaryExpressionAst] -or
            $node -is [System.Management.Automation.Language.PipelineChainAst] -or
            $node -is [System.Management.Automation.Language.CommandAst] -or
            ($node -is [System.Management.Automation.Language.ScriptBlockAst] -and $null -ne $node.CleanBlock)
        }, $true)
    $commands = New-Object System.Collections.ArrayList
    foreach ($node in $nodes) {
        if ($node -is [System.Management.Automation.Language.CommandAst]) {
            $parameterNames = @($node.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object { "-$($_.ParameterName)" })
            [void]$commands.Add("$($node.GetCommandName()) $($parameterNames -join ' ') ($($node.CommandElements.Count) elements)")
        }
        $where = "$($node.Extent.StartLineNumber):$($node.Extent.StartColumnNumber)"
        if ($node -isnot [System.Management.Automation.Language.CommandAst]) { [void]$newer.Add("$($node.GetType().Name) at $where"); continue }
        $name = $node.GetCommandName()
        if (-not $name) { continue }
        if ($NewerCommands -contains $name) { [void]$newer.Add("command $name at $where") }
        $parameters = $NewerParameters[$name]
        if (-not $parameters) { continue }
        foreach ($element in $node.CommandElements) {
            if ($element -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
            foreach ($parameter in $parameters) {
                if ($parameter -like "$($element.ParameterName)*") { [void]$newer.Add("$name -$($element.ParameterName) at $where") }
            }
        }
        foreach ($element in $node.CommandElements) {
            if ($element -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $element.Value -eq 'utf8NoBOM') { [void]$newer.Add("encoding utf8NoBOM at $where") }
        }
    }
    [pscustomobject]@{
        file     = $file
        errors   = @($errors | ForEach-Object { "$($_.Extent.StartLineNumber):$($_.Extent.StartColumnNumber) $($_.Message)" })
        newer    = @($newer)
        commands = @($commands)
    }
}
ConvertTo-Json -InputObject @($report) -Depth 4
