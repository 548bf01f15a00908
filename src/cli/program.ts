import { Command, Option } from 'commander';
import { KINDS } from '../model/manifest.js';
import { UsageError, type ExitCode, type Io } from './io.js';
import { BACKENDS } from './backend-kinds.js';
import { LOG_LEVELS } from './log-levels.js';
import { PLAN_FORMATS } from './render/formats.js';
import { VERSION } from './version.js';
// Types only: each command's module is still loaded when it runs, which keeps startup quick.
import type { ValidateFlags } from './commands/validate.js';
import type { DiffFlags } from './commands/diff.js';
import type { ApplyFlags } from './commands/apply.js';
import type { WatchFlags } from './commands/watch.js';
import type { GetFlags } from './commands/get.js';
import type { ImportFlags } from './commands/import.js';
import type { EventsFlags } from './commands/events.js';
import type { GraphFlags } from './commands/graph.js';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function withManifests(command: Command, options: { stdin: boolean } = { stdin: true }): Command {
  const stdin = options.stdin ? '; - reads standard input' : '';
  return command
    .addOption(
      new Option('-f, --filename <path>', `manifest file or folder (searched recursively for .yaml/.yml); repeatable${stdin}`).argParser(
        collect,
      ),
    )
    .option('--strict', 'treat warnings as errors (exit 2)');
}

/** manifestsOnlyWithF turns `sitectl validate DIR` (a path without -f) into a usage error that says to write -f DIR. */
function manifestsOnlyWithF(command: Command): Command {
  return command.allowExcessArguments(true).hook('preAction', (self) => {
    if (self.args.length > 0)
      throw new UsageError(`${self.name()} reads manifests named with -f, one -f before each path: -f ${self.args.join(' -f ')}`);
  });
}

function withState(command: Command, options: { live: boolean; lock: boolean; site?: boolean }): Command {
  command.option(
    '--state <path>',
    "state file: the embedded backend's live state, or the bookkeeping of a real site (env SITECTL_STATE, default .sitectl/state.json)",
  );
  if (options.site !== false) {
    command
      .addOption(
        new Option(
          '--backend <kind>',
          'file: the state file plays the site; configmgr: a real site, through PowerShell (env SITECTL_BACKEND)',
        ).choices(BACKENDS),
      )
      .option('--site <code>', 'configmgr: the site whose drive to use, the top-level site of a hierarchy (env SITECTL_SITE)')
      .option('--provider <host>', 'configmgr: the SMS Provider, needed when the site drive does not exist yet (env SITECTL_PROVIDER)')
      .option(
        '--powershell <path>',
        'configmgr: the PowerShell to run (env SITECTL_POWERSHELL; default powershell.exe on Windows, pwsh elsewhere)',
      );
  }
  if (options.live) command.option('--live <file>', 'read the live state from an exported snapshot instead, read-only');
  if (options.lock) {
    command.option('--lock-timeout <duration>', 'how long to wait for another writer (500ms, 2s, 5m, 1h)', '30s');
    command.option(
      '--force-unlock <lock-id>',
      'first remove the state lock with this id (shown when a lock times out); only when its holder is gone for good',
    );
  }
  return command;
}

function withLogs(command: Command): Command {
  return command
    .addOption(new Option('--log-level <level>', 'log level of the JSON logs on stderr').choices(LOG_LEVELS).default('warn'))
    .addOption(new Option('--log-format <format>', 'json lines, or pretty for people').choices(['json', 'pretty']).default('json'))
    .option('--no-color', 'never colour the output (also: NO_COLOR)');
}

const PRUNE = '--prune';
const PRUNE_HELP =
  'remove the proxy sitectl gave to servers that have left the manifests (otherwise they are only reported as PruneCandidate)';

/**
 * buildProgram declares sitectl's commands and flags; each action reports its exit code
 * through `exit`. A command's module is loaded only when it runs, so start-up pays for one
 * command's libraries rather than all of them.
 */
export function buildProgram(io: Io, exit: (code: ExitCode) => void): Command {
  const program = new Command('sitectl')
    .description('Keep the proxy configuration of ConfigMgr site system servers in Git: validate, diff and apply YAML manifests.')
    .version(VERSION, '--version', 'print the sitectl version')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Environment:
  SITECTL_STATE   state file when --state is not given (default .sitectl/state.json)
  SITECTL_BACKEND, SITECTL_SITE, SITECTL_PROVIDER, SITECTL_POWERSHELL
                  --backend, --site, --provider and --powershell when not given
  SITECTL_CACHE   folder of the manifest cache (default ~/.cache/sitectl), or off
  SITECTL_NOW     today's date (YYYY-MM-DD) for the support-date rule, for reproducible runs
  NO_COLOR        never colour the output`,
    );

  manifestsOnlyWithF(withManifests(program.command('validate')))
    .description('Check manifests against the JSON Schemas and the ConfigMgr rules. Reads no live state and changes nothing.')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'never colour the output (also: NO_COLOR)')
    .addHelpText(
      'after',
      `
Exit codes: 0 valid (warnings allowed), 2 invalid.

Examples:
  sitectl validate -f ./site-config
  sitectl validate -f sites/ -f proxies/ --strict
  cat server.yaml | sitectl validate -f - -o json`,
    )
    .action(async (flags: ValidateFlags) => exit(await (await import('./commands/validate.js')).runValidate(flags, io)));

  for (const name of ['diff', 'plan'] as const) {
    const command = manifestsOnlyWithF(withLogs(withState(withManifests(program.command(name)), { live: true, lock: false })))
      .option(PRUNE, PRUNE_HELP)
      .addOption(new Option('-o, --output <format>', 'output format').choices(PLAN_FORMATS).default('text'));
    if (name === 'plan') {
      command
        .option(
          '--out <file>',
          'save the plan, as JSON, for a later `sitectl apply FILE` (nothing is saved when there are errors; only an earlier plan is overwritten)',
        )
        .option('--detailed-exitcode', 'exit 1 when the plan has changes, as diff does (for scripts that branch on it)');
    }
    command
      .description(
        name === 'diff'
          ? 'Show what apply would change on the live site, server by server. Changes nothing.'
          : 'Like diff; --out saves the plan so that apply performs exactly it, and only if the live state has not changed since.',
      )
      .addHelpText(
        'after',
        `
Exit codes: ${name === 'diff' ? '0 no changes (held servers are not changes), 1 changes' : '0 plan made, with changes or not (with --detailed-exitcode: 0 no changes, 1 changes)'}, 2 invalid input, 3 runtime failure.

Examples:
  sitectl ${name} -f ./site-config
  sitectl ${name} -f ./site-config --live export.json -o json${name === 'plan' ? '\n  sitectl plan -f ./site-config --out plan.json && sitectl apply plan.json' : ''}`,
      )
      .action(async (flags: DiffFlags) => exit(await (await import('./commands/diff.js')).runDiff(flags, io, name)));
  }

  withLogs(withState(withManifests(program.command('apply')), { live: false, lock: true }))
    .description('Apply manifests (-f) or a saved plan to the live site. Any error means nothing is written.')
    .argument('[plan-file]', 'a plan saved by `sitectl plan --out`')
    .option(PRUNE, PRUNE_HELP)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'yaml']).default('text'))
    .addHelpText(
      'after',
      `
Exit codes: 0 applied or nothing to do, 2 invalid input (nothing applied), 3 runtime failure
(state file unreadable, lock not obtained within --lock-timeout, saved plan out of date).

Examples:
  sitectl apply -f ./site-config
  sitectl apply -f ./site-config --state /var/lib/sitectl/state.json
  sitectl apply plan.json`,
    )
    .action(async (planFile: string | undefined, flags: ApplyFlags) =>
      exit(await (await import('./commands/apply.js')).runApply(planFile, flags, io)),
    );

  manifestsOnlyWithF(withLogs(withState(withManifests(program.command('watch'), { stdin: false }), { live: false, lock: true })))
    .description('Keep the site in line with a folder: reconcile on start, on every manifest change, and every interval, until stopped.')
    .option(PRUNE, PRUNE_HELP)
    .option('--interval <duration>', 'resync this often, to catch changes made on the site itself (±10% jitter)', '5m')
    .option('--debounce <duration>', 'write only once the files have been quiet this long, so a git pull is applied once', '200ms')
    .addOption(
      new Option('--mode <mode>', 'autocorrect applies what differs; monitor only reports it as DriftDetected')
        .choices(['autocorrect', 'monitor'])
        .default('autocorrect'),
    )
    .option(
      '--health-addr <host:port>',
      'serve a status page at /, Prometheus /metrics, and /healthz, /readyz and /status (JSON) for probes; no authentication: use 127.0.0.1 or a proxy',
    )
    .addHelpText(
      'after',
      `
An invalid edit is never applied: the pass records ManifestsInvalid and keeps the last valid
manifests. SIGINT or SIGTERM lets the pass in flight finish, releases the lock and exits 0.

Examples:
  sitectl watch -f ./site-config --state /var/lib/sitectl/state.json
  sitectl watch -f ./site-config --mode monitor --interval 15m --health-addr 127.0.0.1:9090`,
    )
    .action(async (flags: WatchFlags) => exit(await (await import('./commands/watch.js')).runWatch(flags, io, io.onStopSignal)));

  withState(program.command('get'), { live: true, lock: false })
    .description('Show the live servers, sites, or the proxies in use.')
    .argument('<resource>', 'servers, sites or proxies')
    .argument('[name]', 'one server FQDN, site code, or proxy host (or, with -f, Proxy document name)')
    .addOption(
      new Option(
        '-f, --filename <path>',
        'manifests (repeatable): servers gain a SYNC column (InSync, Pending, Drifted, Held, Unmanaged); proxies are named after their Proxy documents',
      ).argParser(collect),
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  sitectl get servers
  sitectl get servers -f ./site-config        # with each server's sync state
  sitectl get servers cm02.contoso.com -o yaml
  sitectl get proxies --live export.json
  sitectl get proxies corp -f ./site-config`,
    )
    .action(async (resource: string, name: string | undefined, flags: GetFlags) =>
      exit(await (await import('./commands/get.js')).runGet(resource, name, flags, io)),
    );

  withLogs(withState(program.command('import'), { live: true, lock: false }))
    .description('Write the manifests that describe an existing site (an export, or the site itself), to start keeping it in Git.')
    .requiredOption(
      '-o, --output <dir>',
      'the folder to write into: created if missing; must be empty (a .git folder aside) unless --force',
    )
    .option(
      '--force',
      'write into a folder that is not empty: files of the same paths are replaced, and files an earlier import wrote that this one does not are removed',
    )
    .option('--leave-unset', 'write no proxy for a server that has none, so sitectl leaves its proxy alone, instead of { enabled: false }')
    .addHelpText(
      'after',
      `
The folder gets the layout of examples/gitops-repo: proxies/proxies.yaml with the proxies that
several servers share (named from host, port and account), and sites/CODE/ (a secondary inside
its primary's folder) with site.yaml and the servers, about 100 per file. Importing the same
site twice gives the same bytes; a re-import with --force keeps what the folder's manifests
say that a site cannot (requireProxy, hotfixes, features, connectedCache, Proxy names).
Afterwards "sitectl diff -f DIR" against the same site finds nothing to do. What the rules say
about the site as it is, and what a live state cannot tell, are printed as a to-do list.

Exit codes: 0 written, 2 invalid input (a --live file that is not a LiveState or is empty, a
folder that is not empty), 3 runtime failure (site unreachable, folder not writable).

Examples:
  sitectl import --live live/export.json -o ./site-config
  sitectl import --backend configmgr --site CAS -o ./site-config
  sitectl import --live live/export.json -o ./site-config --force   # take in console changes`,
    )
    .action(async (flags: ImportFlags) => exit(await (await import('./commands/import.js')).runImport(flags, io)));

  withState(program.command('events'), { live: false, lock: false, site: false })
    .description('Show the events recorded beside the state file (events.jsonl).')
    .option('--for <kind/name>', 'only the events of one object, e.g. SiteSystemServer/cm02.contoso.com')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  sitectl events
  sitectl events --for SiteSystemServer/cm02.contoso.com -o json`,
    )
    .action(async (flags: EventsFlags) => exit(await (await import('./commands/events.js')).runEvents(flags, io)));

  program
    .command('schema')
    .description(`Print the JSON Schema of a manifest kind (${KINDS.join(', ')}), or of all kinds.`)
    .argument('[kind]', 'the kind, case-insensitive')
    .addHelpText(
      'after',
      `
Examples:
  sitectl schema SiteSystemServer
  sitectl schema > sitectl-schemas.json`,
    )
    .action(async (kind: string | undefined) => exit((await import('./commands/schema.js')).runSchema(kind, io)));

  manifestsOnlyWithF(withState(withManifests(program.command('graph')), { live: true, lock: false }))
    .description('Draw the sites, servers, roles and proxies, with held servers and pending changes marked.')
    .addOption(
      new Option('-o, --output <format>', 'mermaid renders in GitHub and Azure DevOps markdown; dot is for Graphviz')
        .choices(['mermaid', 'dot'])
        .default('mermaid'),
    )
    .option('--only-changes', 'only the servers the plan changes or holds, with their sites and proxies (for a PR summary)')
    .addHelpText(
      'after',
      `
Exit codes: 0 drawn, 2 invalid manifests, 3 runtime failure.

Examples:
  sitectl graph -f ./site-config > hierarchy.mmd
  sitectl graph -f ./site-config --live live/export.json --only-changes
  sitectl graph -f ./site-config -o dot | dot -Tsvg > hierarchy.svg`,
    )
    .action(async (flags: GraphFlags) => exit(await (await import('./commands/graph.js')).runGraph(flags, io)));

  program
    .command('explain')
    .description('Describe a manifest field: its type, default, allowed values and meaning, and the fields below it.')
    .argument('<field>', 'KIND or KIND.field.path, e.g. SiteSystemServer.spec.proxy')
    .addHelpText(
      'after',
      `
Examples:
  sitectl explain Proxy
  sitectl explain SiteSystemServer.spec.roles.useProxyForAutomaticDeploymentRules`,
    )
    .action(async (field: string) => exit((await import('./commands/explain.js')).runExplain(field, io)));

  program
    .command('completion')
    .description('Print a shell completion script.')
    .argument('<shell>', 'bash, zsh or pwsh')
    .addHelpText(
      'after',
      `
Examples:
  source <(sitectl completion bash)
  sitectl completion pwsh | Out-String | Invoke-Expression`,
    )
    .action(async (shell: string) => exit((await import('./commands/completion.js')).runCompletion(shell, program, io)));

  return program;
}
