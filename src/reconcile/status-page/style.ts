/** STYLE is the status page's stylesheet, served at /status.css from the package itself: nothing is fetched from elsewhere. */
export const STYLE = `
:root { color-scheme: light dark; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --muted: #6e7781; --line: #d0d7de; --pending: #0969da; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; padding: 1rem 1.5rem; max-width: 80rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.note { color: var(--muted); font-size: .9em; margin: .25rem 0; }
.ready { font-weight: 600; margin: .25rem 0; }
.ready.ok { color: var(--ok); }
.ready.bad { color: var(--bad); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
.error, .result-failed, .result-invalid { color: var(--bad); }
.counts { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
.counts li a { display: block; padding: .35rem .75rem; border: 1px solid var(--line); border-radius: 6px; text-decoration: none; color: inherit; }
.counts li.selected a { border-color: currentColor; font-weight: 600; }
.counts .count { font-weight: 700; font-variant-numeric: tabular-nums; }
.state-Failed td:nth-child(3), li.state-Failed { color: var(--bad); }
.state-Held td:nth-child(3), li.state-Held, .state-Drifted td:nth-child(3), li.state-Drifted { color: var(--warn); }
.state-InSync td:nth-child(3), li.state-InSync { color: var(--ok); }
.state-Pending td:nth-child(3), li.state-Pending, .running { color: var(--pending); }
.state-Unmanaged td:nth-child(3), li.state-Unmanaged { color: var(--muted); }
.running { font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
/* Names, states, types and reasons are single words: never broken inside. */
td:nth-child(-n + 3), #events td:nth-child(4) { white-space: nowrap; }
th { font-weight: 600; }
.where { font-family: ui-monospace, SFMono-Regular, Consolas, monospace; font-size: .9em; color: var(--muted); }
.pages { display: flex; gap: 1rem; align-items: baseline; margin: .5rem 0; }
.held li { margin: .25rem 0; }
.event-Warning td:nth-child(2) { color: var(--warn); }
`;
