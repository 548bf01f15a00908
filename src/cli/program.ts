import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { KINDS } from '../model/manifest.js';
import { runSchema } from './commands/schema.js';
import { runValidate } from './commands/validate.js';
import type { ExitCode, Io } from './io.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function filenameOption(): Option {
  return new Option('-f, --filename <path>', 'manifest file or folder (searched recursively for .yaml/.yml); repeatable; - reads standard input').argParser(collect);
}

/** buildProgram declares sitectl's commands and flags; each action reports its exit code through `exit`. */
export function buildProgram(io: Io, exit: (code: ExitCode) => void): Command {
  const program = new Command('sitectl')
    .description('Keep the proxy configuration of ConfigMgr site system servers in Git: validate, diff and apply YAML manifests.')
    .version(version, '--version', 'print the sitectl version')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('validate')
    .description('Check manifests against the JSON Schemas and the ConfigMgr rules. Reads no live state and changes nothing.')
    .addOption(filenameOption())
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--strict', 'treat warnings as errors (exit 2)', false)
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
    .action(async (flags) => exit(await runValidate(flags, io)));

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
    .action((kind: string | undefined) => exit(runSchema(kind, io)));

  return program;
}
