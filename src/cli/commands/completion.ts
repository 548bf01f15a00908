import { UsageError, type ExitCode, type Io } from '../io.js';

const COMMANDS = ['validate', 'diff', 'plan', 'apply', 'watch', 'get', 'events', 'import', 'schema', 'explain', 'completion'];
const FLAGS = ['-f', '--filename', '-o', '--output', '--strict', '--prune', '--state', '--live', '--lock-timeout', '--force-unlock', '--out', '--interval', '--debounce', '--mode', '--health-addr', '--for', '--force', '--leave-unset', '--log-level', '--log-format', '--no-color', '--help'];
const KINDS = ['Site', 'Proxy', 'SiteSystemServer', 'SiteSystemRole'];

const SCRIPTS: Readonly<Record<string, string>> = {
  bash: `# sitectl bash completion: source <(sitectl completion bash)
_sitectl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
    -f|--filename|--state|--live|--out) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    -o|--output) COMPREPLY=( $(compgen -W "text json yaml patch powershell table" -- "$cur") ); return ;;
    --mode) COMPREPLY=( $(compgen -W "autocorrect monitor" -- "$cur") ); return ;;
    get) COMPREPLY=( $(compgen -W "servers sites proxies" -- "$cur") ); return ;;
    schema|explain) COMPREPLY=( $(compgen -W "${KINDS.join(' ')}" -- "$cur") ); return ;;
    completion) COMPREPLY=( $(compgen -W "bash zsh pwsh" -- "$cur") ); return ;;
  esac
  if [ "$COMP_CWORD" -eq 1 ]; then COMPREPLY=( $(compgen -W "${COMMANDS.join(' ')}" -- "$cur") )
  else COMPREPLY=( $(compgen -W "${FLAGS.join(' ')}" -- "$cur") ); fi
}
complete -F _sitectl sitectl
`,
  zsh: `#compdef sitectl
# sitectl zsh completion: source <(sitectl completion zsh)
_sitectl() {
  if (( CURRENT == 2 )); then compadd ${COMMANDS.join(' ')}; return; fi
  case "$words[CURRENT-1]" in
    -f|--filename|--state|--live|--out) _files; return ;;
    -o|--output) compadd text json yaml patch powershell table; return ;;
    --mode) compadd autocorrect monitor; return ;;
    get) compadd servers sites proxies; return ;;
    schema|explain) compadd ${KINDS.join(' ')}; return ;;
  esac
  compadd -- ${FLAGS.join(' ')}
}
compdef _sitectl sitectl
`,
  pwsh: `# sitectl PowerShell completion: sitectl completion pwsh | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName sitectl -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
    $candidates = if ($words.Count -le 2 -and -not $wordToComplete.StartsWith('-')) { @(${COMMANDS.map((c) => `'${c}'`).join(', ')}) }
                  else { @(${FLAGS.map((f) => `'${f}'`).join(', ')}) }
    $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`,
};

/** runCompletion prints a shell completion script for bash, zsh or PowerShell. */
export function runCompletion(shell: string, io: Io): ExitCode {
  const script = SCRIPTS[shell];
  if (!script) throw new UsageError(`completion is available for bash, zsh and pwsh, not ${shell}`);
  io.stdout(script);
  return 0;
}
