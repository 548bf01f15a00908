import { writeFile } from 'node:fs/promises';
import { psLiteral } from '../../src/cli/render/powershell-literal.js';

/**
 * A scripted host: a PowerShell script that speaks the host protocol of
 * scripts/Start-SitectlHost.ps1 (JSON lines in, JSON lines out) but says what a test wrote,
 * so that the tests reach answers the simulated site never gives: Windows PowerShell 5.1's
 * list shapes, unknown outcomes, a host that dies halfway, one that says nothing useful.
 *
 * Each line is written as it is, after these placeholders are filled in:
 * `{id}` the request's id, `{request}` the request line as received (JSON), `{site}`,
 * `{provider}` and `{parent}` the host's -SiteCode, -ProviderMachineName and -ParentProcessId.
 * A line `stderr:TEXT` goes to standard error instead, and `exit:N` ends the host with code N.
 */
export interface HostScript {
  /** What the host writes when it starts, before it reads a request (its ready message among them). */
  readonly start: readonly string[];
  /** What it writes for each request, in order; a request past the last gets no answer. */
  readonly answers?: readonly (readonly string[])[];
}

/** READY is the message of a host that has connected to its site. */
export const READY = '{"sitectl":1,"ready":true}';

/** writeHostScript writes `script` as a PowerShell host script at `file`. */
export async function writeHostScript(file: string, script: HostScript): Promise<string> {
  // Every line is a single-quoted literal tagged with its request's number: a list of lists
  // would be flattened by PowerShell where it holds one element.
  const tagged = [
    ...script.start.map((line) => `start|${line}`),
    ...(script.answers ?? []).flatMap((lines, k) => lines.map((line) => `${k}|${line}`)),
  ];
  const text = `param([string]$SiteCode, [string]$ProviderMachineName, [int]$ParentProcessId)
$ErrorActionPreference = 'Stop'
$lines = @(${tagged.map(psLiteral).join(', ')})
function Send-Lines([string]$Tag, [string]$Id, [string]$Request) {
    foreach ($tagged in $lines) {
        if (-not $tagged.StartsWith("$Tag|")) { continue }
        $line = $tagged.Substring($Tag.Length + 1)
        if ($line.StartsWith('exit:')) { exit [int]$line.Substring(5) }
        $line = $line.Replace('{id}', $Id).Replace('{request}', $Request).Replace('{site}', $SiteCode)
        $line = $line.Replace('{provider}', $ProviderMachineName).Replace('{parent}', [string]$ParentProcessId)
        if ($line.StartsWith('stderr:')) { [Console]::Error.WriteLine($line.Substring(7)); continue }
        [Console]::Out.WriteLine($line)
        [Console]::Out.Flush()
    }
}
Send-Lines 'start' '' ''
$k = 0
while ($null -ne ($request = [Console]::In.ReadLine())) {
    Send-Lines ([string]$k) ([string](ConvertFrom-Json $request).id) $request
    $k++
}
`;
  await writeFile(file, text);
  return file;
}
