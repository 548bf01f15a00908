import type { Command } from 'commander';
import { KINDS } from '../../model/manifest.js';
import { UsageError, type ExitCode, type Io } from '../io.js';

/** CommandWords is what completion offers for one command: its flags, the values of flags that have a fixed set, and its arguments' words. */
interface CommandWords {
  readonly name: string;
  readonly flags: readonly string[];
  /** Allowed values by flag (both its short and long form). */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** Flags whose value is a file or folder. */
  readonly files: readonly string[];
  readonly args: readonly string[];
  /** The command's argument is a file (apply's saved plan). */
  readonly fileArgument: boolean;
}

// Arguments take free text that commander does not enumerate; these are the words they accept.
const ARGUMENT_WORDS: Readonly<Record<string, readonly string[]>> = {
  get: ['servers', 'sites', 'proxies'],
  schema: KINDS,
  explain: KINDS,
  completion: ['bash', 'zsh', 'pwsh'],
};

const FILE_VALUE = /<(path|file|dir|plan-file)>/;

/** wordsOf reads every command, flag and allowed value from the program's own definitions, so completion cannot fall behind them. */
function wordsOf(program: Command): CommandWords[] {
  return program.commands.map((command) => {
    const flags: string[] = [];
    const values = new Map<string, readonly string[]>();
    const files: string[] = [];
    for (const option of command.options) {
      const forms = [option.short, option.long].filter((f): f is string => typeof f === 'string');
      flags.push(...forms);
      if (option.argChoices) for (const form of forms) values.set(form, option.argChoices);
      if (FILE_VALUE.test(option.flags)) files.push(...forms);
    }
    flags.push('--help');
    const fileArgument = command.registeredArguments.some((a) => /file|path/.test(a.name()));
    return { name: command.name(), flags, values, files, args: ARGUMENT_WORDS[command.name()] ?? [], fileArgument };
  });
}

/** runCompletion prints a shell completion script for bash, zsh or PowerShell, made from the program's command definitions. */
export function runCompletion(shell: string, program: Command, io: Io): ExitCode {
  const render = SHELLS[shell];
  if (!render) throw new UsageError(`completion is available for bash, zsh and pwsh, not ${shell}`);
  io.stdout(render(wordsOf(program)));
  return 0;
}

const SHELLS: Readonly<Record<string, (commands: readonly CommandWords[]) => string>> = { bash, zsh, pwsh };

function bash(commands: readonly CommandWords[]): string {
  const valueCases = commands.flatMap((c) =>
    [...c.values].map(
      ([flag, values]) => `    "${c.name} ${flag}") COMPREPLY=( $(compgen -W "${values.join(' ')}" -- "$cur") ); return ;;`,
    ),
  );
  const fileCases = commands
    .filter((c) => c.files.length > 0)
    .map((c) => `    ${c.files.map((f) => `"${c.name} ${f}"`).join('|')}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;`);
  const wordCases = commands.map((c) => `    ${c.name}) words="${[...c.args, ...c.flags].join(' ')}" ;;`);
  const fileArguments = commands.filter((c) => c.fileArgument).map((c) => c.name);
  const fileArgumentCase =
    fileArguments.length > 0
      ? `\n  if [[ "$cur" != -* ]]; then case "$command" in ${fileArguments.join('|')}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;; esac; fi`
      : '';
  return `# sitectl bash completion: source <(sitectl completion bash)
_sitectl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" command="\${COMP_WORDS[1]}" words=""
  if [ "$COMP_CWORD" -eq 1 ]; then COMPREPLY=( $(compgen -W "${commands.map((c) => c.name).join(' ')}" -- "$cur") ); return; fi
  case "$command $prev" in
${[...valueCases, ...fileCases].join('\n')}
  esac${fileArgumentCase}
  case "$command" in
${wordCases.join('\n')}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
# -o filenames: a folder completes with its slash, and names with spaces stay whole.
complete -o filenames -F _sitectl sitectl
`;
}

function zsh(commands: readonly CommandWords[]): string {
  const valueCases = commands.flatMap((c) =>
    [...c.values].map(([flag, values]) => `    "${c.name} ${flag}") compadd -- ${values.join(' ')}; return ;;`),
  );
  const fileCases = commands
    .filter((c) => c.files.length > 0)
    .map((c) => `    ${c.files.map((f) => `"${c.name} ${f}"`).join('|')}) _files; return ;;`);
  const wordCases = commands.map(
    (c) =>
      `    ${c.name}) ${c.fileArgument ? '[[ $words[CURRENT] != -* ]] && _files; ' : ''}compadd -- ${[...c.args, ...c.flags].join(' ')} ;;`,
  );
  return `#compdef sitectl
# sitectl zsh completion: source <(sitectl completion zsh)
_sitectl() {
  if (( CURRENT == 2 )); then compadd -- ${commands.map((c) => c.name).join(' ')}; return; fi
  case "$words[2] $words[CURRENT-1]" in
${[...valueCases, ...fileCases].join('\n')}
  esac
  case "$words[2]" in
${wordCases.join('\n')}
  esac
}
compdef _sitectl sitectl
`;
}

function pwsh(commands: readonly CommandWords[]): string {
  const list = (words: readonly string[]) => `@(${words.map((w) => `'${w}'`).join(', ')})`;
  const values = commands.flatMap((c) => [...c.values].map(([flag, v]) => `    '${c.name} ${flag}' = ${list(v)}`));
  const words = commands.map((c) => `    '${c.name}' = ${list([...c.args, ...c.flags])}`);
  return `# sitectl PowerShell completion: sitectl completion pwsh | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName sitectl -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $commands = ${list(commands.map((c) => c.name))}
    $values = @{
${values.join('\n')}
    }
    $words = @{
${words.join('\n')}
    }
    $typed = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -lt $cursorPosition -or $_.Extent.Text -ne $wordToComplete } | ForEach-Object { $_.Extent.Text })
    $candidates = if ($typed.Count -le 1) { $commands }
                  elseif ($values.ContainsKey("$($typed[1]) $($typed[-1])")) { $values["$($typed[1]) $($typed[-1])"] }
                  elseif ($words.ContainsKey($typed[1])) { $words[$typed[1]] }
                  else { @() }
    $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`;
}
