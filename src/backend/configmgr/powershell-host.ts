import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SiteUnreachableError } from '../errors.js';

/** HostOptions: the PowerShell to run, the host script, and the site to connect to. */
export interface HostOptions {
  /** The PowerShell executable: `powershell.exe`, `pwsh`, or a path. */
  readonly powershell: string;
  /** scripts/Start-SitectlHost.ps1 of the package. */
  readonly script: string;
  readonly siteCode: string;
  readonly provider?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** HostMessage is one line the host wrote for sitectl. */
export interface HostMessage {
  readonly sitectl: 1;
  readonly id?: number | null;
  readonly ready?: boolean;
  readonly ok?: boolean;
  readonly done?: boolean;
  readonly error?: string;
  readonly [field: string]: unknown;
}

// Lines of other output kept for messages when the host stops without answering.
const KEPT_LINES = 20;

/**
 * PowerShellHost is one PowerShell process running Start-SitectlHost.ps1: requests go to it
 * as JSON lines on its standard input and answers come back as JSON lines. Values cross as
 * JSON data only, in ASCII (`\u` escapes), so no code page can alter them. It fails every
 * pending request, naming what PowerShell last said, when the process ends.
 */
export class PowerShellHost {
  private nextId = 1;
  private readonly listeners = new Map<number, (message: HostMessage) => void>();
  private readonly noise: string[] = [];
  private exitError: SiteUnreachableError | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly options: HostOptions,
  ) {
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
  }

  /** start spawns PowerShell and waits until the host has connected to the site, or says why it could not. */
  static async start(options: HostOptions): Promise<PowerShellHost> {
    // -ParentProcessId: the host stops writing once sitectl is gone, instead of writing what nobody will record.
    const args = [
      '-NoLogo',
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-File',
      options.script,
      '-SiteCode',
      options.siteCode,
      '-ParentProcessId',
      String(process.pid),
    ];
    if (options.provider) args.push('-ProviderMachineName', options.provider);
    // Its own process group off Windows, so that kill() ends all of it: pwsh installed as a
    // dotnet tool is a launcher with the runtime as its child.
    const child = spawn(options.powershell, args, {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      detached: process.platform !== 'win32',
    });
    const host = new PowerShellHost(child, options);
    const ready = new Promise<HostMessage>((resolve, reject) => {
      host.onMessage = (message) => (message.ready !== undefined ? resolve(message) : undefined);
      host.onEnd = reject;
    });
    host.listen();
    const message = await ready;
    if (!message.ready) {
      host.kill();
      throw new SiteUnreachableError(
        `site ${options.siteCode} cannot be reached through PowerShell: ${message.error ?? 'the host did not say why'}`,
      );
    }
    return host;
  }

  /** request sends one request and resolves with its final answer; `onProgress` sees the answers before it (one per server of an apply). */
  request(op: string, fields: Record<string, unknown> = {}, onProgress?: (message: HostMessage) => void): Promise<HostMessage> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.listeners.set(id, (message) => {
        if (message.ok === false) {
          this.forget(id);
          reject(new SiteUnreachableError(`PowerShell could not ${op} the site: ${message.error ?? 'it did not say why'}`));
        } else if (message.ok === true) {
          this.forget(id);
          resolve(message);
        } else {
          onProgress?.(message);
        }
      });
      this.rejecters.set(id, reject);
      this.child.stdin.write(asciiJson({ id, op, ...fields }) + '\n');
    });
  }

  /** alive tells whether the process still runs (a watcher starts a new host when it does not). */
  get alive(): boolean {
    return this.exitError === undefined;
  }

  /** close ends the host: its standard input closes, so it leaves its read loop and exits; one that has not after 30 s is killed. */
  async close(): Promise<void> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), 30_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** kill ends the PowerShell process at once, with every process it started. */
  kill(): void {
    if (process.platform === 'win32' || this.child.pid === undefined) {
      this.child.kill('SIGKILL');
      return;
    }
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL'); // the group is gone already
    }
  }

  private onMessage: ((message: HostMessage) => void) | undefined;
  private onEnd: ((error: SiteUnreachableError) => void) | undefined;
  private readonly rejecters = new Map<number, (error: Error) => void>();

  private forget(id: number): void {
    this.listeners.delete(id);
    this.rejecters.delete(id);
  }

  private listen(): void {
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    createInterface({ input: this.child.stdout }).on('line', (line) => this.receive(line));
    createInterface({ input: this.child.stderr }).on('line', (line) => this.keep(line));
    this.child.stdin.on('error', () => undefined); // a host that died is reported by 'close'
    this.child.once('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.code === 'ENOENT'
          ? `PowerShell was not found: '${this.options.powershell}' (give --powershell PATH or set SITECTL_POWERSHELL)`
          : `PowerShell could not be started: ${error.message}`;
      this.end(new SiteUnreachableError(message));
    });
    this.child.once('close', (code, signal) => {
      const why = signal ? `was killed (${signal})` : `exited with code ${String(code)}`;
      const said = this.noise.length > 0 ? `; it said: ${this.noise.slice(-5).join(' | ')}` : '';
      this.end(new SiteUnreachableError(`PowerShell ${why} before answering${said}`));
    });
  }

  private receive(line: string): void {
    let message: HostMessage | undefined;
    try {
      const parsed = JSON.parse(line) as unknown;
      if (parsed && typeof parsed === 'object' && (parsed as HostMessage).sitectl === 1) message = parsed as HostMessage;
    } catch {
      message = undefined;
    }
    if (!message) return this.keep(line);
    this.onMessage?.(message);
    if (typeof message.id === 'number') this.listeners.get(message.id)?.(message);
    else if (message.ok === false) this.keep(message.error ?? 'an error without an id');
  }

  private keep(line: string): void {
    if (!line.trim()) return;
    this.noise.push(line.trim());
    if (this.noise.length > KEPT_LINES) this.noise.shift();
  }

  private end(error: SiteUnreachableError): void {
    if (this.exitError) return;
    this.exitError = error;
    this.onEnd?.(error);
    for (const [id, reject] of this.rejecters) if (this.listeners.has(id)) reject(error);
    this.listeners.clear();
    this.rejecters.clear();
  }
}

/** asciiJson is JSON with every character outside ASCII escaped, so the console's code page cannot change it. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
