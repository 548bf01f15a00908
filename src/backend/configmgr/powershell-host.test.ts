import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeWithPowerShell, POWERSHELL } from '../../../test/support/powershell.js';
import { READY, writeHostScript, type HostScript } from '../../../test/support/scripted-host.js';
import { SiteUnreachableError } from '../errors.js';
import { processRuns } from '../lock.js';
import { asciiJson, PowerShellHost, type HostMessage, type HostOptions } from './powershell-host.js';

// The host protocol from sitectl's side, against scripted hosts (test/support/scripted-host.ts)
// under a real PowerShell: what it sends, how it reads answers, and what it says when the host
// fails. The real host script against the simulated site is in configmgr-backend.test.ts.

describe('asciiJson', () => {
  it('escapes every character outside ASCII, so the value survives any code page, and JSON reads it back the same', () => {
    const value = { name: 'Москва-dp01', note: 'café ☃ 𝄞', plain: 'a"b\\c' };
    const text = asciiJson(value);
    expect(text).toBe(
      '{"name":"\\u041c\\u043e\\u0441\\u043a\\u0432\\u0430-dp01","note":"caf\\u00e9 \\u2603 \\ud834\\udd1e","plain":"a\\"b\\\\c"}',
    );
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('escapes DEL (0x7f), which some consoles drop', () => {
    expect(asciiJson('a\u007fb')).toBe('"a\\u007fb"');
  });
});

let dir: string;
let hosts: PowerShellHost[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-host-'));
});
afterEach(() => {
  for (const host of hosts) host.kill();
  hosts = [];
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let scripts = 0;
async function startHost(script: HostScript, options: Partial<HostOptions> = {}): Promise<PowerShellHost> {
  const file = await writeHostScript(path.join(dir, `host-${++scripts}.ps1`), script);
  const host = await PowerShellHost.start({ powershell: POWERSHELL ?? 'pwsh', script: file, siteCode: 'P01', ...options });
  hosts.push(host);
  return host;
}

describe('PowerShellHost, when PowerShell cannot be started', () => {
  it('says PowerShell was not found, and how to name it, or why it could not start', async () => {
    const missing = path.join(dir, 'no-such-pwsh');
    await expect(PowerShellHost.start({ powershell: missing, script: 'x.ps1', siteCode: 'P01' })).rejects.toThrow(
      new SiteUnreachableError(`PowerShell was not found: '${missing}' (give --powershell PATH or set SITECTL_POWERSHELL)`),
    );
    const notExecutable = path.join(dir, 'pwsh-not-executable');
    await writeFile(notExecutable, '');
    await chmod(notExecutable, 0o644);
    await expect(PowerShellHost.start({ powershell: notExecutable, script: 'x.ps1', siteCode: 'P01' })).rejects.toThrow(
      new SiteUnreachableError(`PowerShell could not be started: spawn ${notExecutable} EACCES`),
    );
  });
});

describeWithPowerShell('PowerShellHost, against scripted hosts', () => {
  it('starts PowerShell with the site code, the provider and its own pid, and resolves a request with its final answer', async () => {
    const host = await startHost(
      {
        start: [READY],
        answers: [
          [
            '{"sitectl":1,"id":{id},"server":"a","outcome":"applied"}',
            '{"sitectl":1,"id":{id},"server":"b","outcome":"failed"}',
            '{"sitectl":1,"id":{id},"ok":true,"request":{request},"args":"{site}|{provider}|{parent}"}',
          ],
        ],
      },
      { provider: 'sms01.contoso.com' },
    );
    const progress: HostMessage[] = [];
    const changes = [{ server: 'Москва-dp01', proxy: { server: "o'brien", port: 8080 } }];
    const answer = await host.request('apply', { changes }, (message) => progress.push(message));
    expect(progress.map((m) => [m.server, m.outcome])).toEqual([
      ['a', 'applied'],
      ['b', 'failed'],
    ]);
    expect(answer['request']).toEqual({ id: 1, op: 'apply', changes });
    expect(answer['args']).toBe(`P01|sms01.contoso.com|${process.pid}`);
  });

  it('leaves -ProviderMachineName out when no provider is given', async () => {
    const host = await startHost({ start: [READY], answers: [['{"sitectl":1,"id":{id},"ok":true,"provider":"[{provider}]"}']] });
    expect((await host.request('read'))['provider']).toBe('[]');
  });

  it('numbers requests and gives each its own answer, whatever order they come back in', async () => {
    const host = await startHost({
      start: [READY],
      answers: [[], ['{"sitectl":1,"id":2,"ok":true,"n":"second"}', '{"sitectl":1,"id":1,"ok":true,"n":"first"}']],
    });
    const [first, second] = await Promise.all([host.request('read'), host.request('read')]);
    expect([first['n'], second['n']]).toEqual(['first', 'second']);
  });

  it('fails a request the host refused, naming the operation and the error, and the host serves the next one', async () => {
    const host = await startHost({
      start: [READY],
      answers: [['{"sitectl":1,"id":{id},"ok":false,"error":"the provider is busy"}'], ['{"sitectl":1,"id":{id},"ok":true}']],
    });
    await expect(host.request('read')).rejects.toThrow(
      new SiteUnreachableError('PowerShell could not read the site: the provider is busy'),
    );
    expect(host.alive).toBe(true);
    await expect(host.request('read')).resolves.toMatchObject({ ok: true });
  });

  it('fails a request the host refused without saying why, rather than waiting for ever', async () => {
    const host = await startHost({ start: [READY], answers: [['{"sitectl":1,"id":{id},"ok":false}']] });
    await expect(host.request('read')).rejects.toThrow(new SiteUnreachableError('PowerShell could not read the site: it did not say why'));
  });

  it('passes over an answer to no request it made, and progress of a request that asked for none', async () => {
    const host = await startHost({
      start: [READY],
      answers: [
        [
          '{"sitectl":1,"id":99,"ok":true,"n":"stray"}',
          '{"sitectl":1,"id":{id},"server":"a","outcome":"applied"}',
          '{"sitectl":1,"id":{id},"ok":true,"n":"mine"}',
        ],
      ],
    });
    expect((await host.request('apply'))['n']).toBe('mine');
    expect(host.alive).toBe(true);
  });

  it('takes only a JSON object with sitectl 1 for a message: other JSON is what the host said, trimmed', async () => {
    const host = await startHost({
      start: [READY],
      answers: [['  padded  ', '42', 'null', '"text"', '{"sitectl":2,"id":1,"ok":true}', 'exit:1']],
    });
    await expect(host.request('read')).rejects.toThrow(
      new SiteUnreachableError(
        'PowerShell exited with code 1 before answering; it said: padded | 42 | null | "text" | {"sitectl":2,"id":1,"ok":true}',
      ),
    );
  });

  it.runIf(process.platform === 'linux')('kills every process the host started, not only PowerShell itself', async () => {
    // A host that starts a process of its own, as the dotnet-tool pwsh starts its runtime.
    const pidFile = path.join(dir, 'grandchild.pid');
    const script = path.join(dir, 'parent.ps1');
    await writeFile(
      script,
      [
        'param([string]$SiteCode, [string]$ProviderMachineName, [int]$ParentProcessId)',
        "$child = Start-Process -FilePath 'sleep' -ArgumentList '300' -PassThru",
        'Set-Content -Path $env:SITECTL_TEST_PID_FILE -Value $child.Id',
        `[Console]::Out.WriteLine('${READY}')`,
        '[Console]::Out.Flush()',
        'while ($null -ne [Console]::In.ReadLine()) { }',
      ].join('\n'),
    );
    const host = await PowerShellHost.start({
      powershell: POWERSHELL ?? 'pwsh',
      script,
      siteCode: 'P01',
      env: { ...process.env, SITECTL_TEST_PID_FILE: pidFile },
    });
    hosts.push(host); // killed after the test too, should it fail before its own kill
    const grandchild = Number((await readFile(pidFile, 'utf8')).trim());
    expect(processRuns(grandchild)).toBe(true);
    host.kill();
    try {
      await vi.waitFor(() => expect(processRuns(grandchild)).toBe(false), { timeout: 10_000 });
    } finally {
      if (processRuns(grandchild)) process.kill(grandchild, 'SIGKILL');
    }
  });

  it('says why it cannot reach the site when the host says it is not ready, and when it does not say why', async () => {
    const file = await writeHostScript(path.join(dir, 'not-ready.ps1'), {
      start: ['{"sitectl":1,"ready":false,"error":"no SMS Provider on sms01"}'],
    });
    await expect(PowerShellHost.start({ powershell: POWERSHELL ?? 'pwsh', script: file, siteCode: 'P01' })).rejects.toThrow(
      new SiteUnreachableError('site P01 cannot be reached through PowerShell: no SMS Provider on sms01'),
    );
    const silent = await writeHostScript(path.join(dir, 'not-ready-silent.ps1'), { start: ['{"sitectl":1,"ready":false}'] });
    await expect(PowerShellHost.start({ powershell: POWERSHELL ?? 'pwsh', script: silent, siteCode: 'XYZ' })).rejects.toThrow(
      new SiteUnreachableError('site XYZ cannot be reached through PowerShell: the host did not say why'),
    );
  });

  it('when the host ends, fails every pending request with how it ended and the last five lines it said', async () => {
    const host = await startHost({
      start: ['loading', READY],
      answers: [
        [],
        [
          ...['one', 'two', 'three', 'four'].map((n) => `line ${n}`),
          '   ',
          '{"not":"sitectl"}',
          '{"sitectl":1,"ok":false,"error":"an error of no request"}',
          'exit:4',
        ],
      ],
    });
    const pending = [host.request('read'), host.request('read')];
    const expected = new SiteUnreachableError(
      'PowerShell exited with code 4 before answering; it said: line two | line three | line four | {"not":"sitectl"} | an error of no request',
    );
    for (const request of pending) await expect(request).rejects.toThrow(expected);
    expect(host.alive).toBe(false);
    await expect(host.request('read')).rejects.toThrow(expected);
  });

  it('keeps what the host wrote to standard error for that message too', async () => {
    const host = await startHost({ start: [READY], answers: [['stderr:the module is missing', 'exit:5']] });
    await expect(host.request('read')).rejects.toThrow(
      new SiteUnreachableError('PowerShell exited with code 5 before answering; it said: the module is missing'),
    );
  });

  it('says it was killed, with the signal, when the host is killed', async () => {
    const host = await startHost({ start: [READY] });
    const pending = host.request('read');
    host.kill();
    await expect(pending).rejects.toThrow(new SiteUnreachableError('PowerShell was killed (SIGKILL) before answering'));
    expect(host.alive).toBe(false);
  });

  it('closes the host by ending its input, and the host leaves its read loop', async () => {
    const host = await startHost({ start: [READY] });
    await host.close();
    expect(host.alive).toBe(false);
    await expect(host.request('read')).rejects.toThrow(/^PowerShell exited with code 0 before answering$/);
  });
});
