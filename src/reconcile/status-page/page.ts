import type { SiteEvent } from '../../model/event.js';
import { SYNC_STATES, type ServerSync, type SyncState } from '../../plan/sync-state.js';
import type { Condition } from '../health.js';
import type { SyncView, WatchStatus } from '../watcher.js';
import { html, type Html } from './html.js';

/** PAGE_SIZE is how many servers one page lists: at 20,000 servers the page stays light. */
const PAGE_SIZE = 50;

/** REFRESH_SECONDS is how often the page reloads itself (a meta refresh: no JavaScript). */
const REFRESH_SECONDS = 5;

/** PageInput is what the status page shows: the watcher's status, its conditions and the recent events. */
export interface PageInput {
  readonly status: WatchStatus;
  readonly conditions: readonly Condition[];
  /** The newest events, newest first; undefined when the log could not be read. */
  readonly events: readonly SiteEvent[] | undefined;
  /** The page's query: `page` (from 1) and `state` (one sync state, or all). */
  readonly query: URLSearchParams;
}

/**
 * renderStatusPage is the watcher's status page: the last pass, counts per sync state, the
 * servers that need attention first (with the reason and the manifest position that decides
 * them), held servers with their conflicting roles, and the recent events. Server-rendered,
 * no script; every value is escaped.
 */
export function renderStatusPage(input: PageInput): string {
  const { status } = input;
  const ready = input.conditions.find((c) => c.type === 'Ready');
  const state = stateFilter(input.query.get('state'));
  const sync = status.sync;
  const listed = sync ? ordered(sync, state) : [];
  const pages = Math.max(1, Math.ceil(listed.length / PAGE_SIZE));
  const page = Math.min(pages, pageNumber(input.query.get('page')));
  const shown = listed.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  // Held servers are listed above the table on the first page of all servers only; /?state=Held pages through them.
  const held = sync && !state && page === 1 ? heldServers(sync) : [];
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="refresh" content="${REFRESH_SECONDS}" />
        <title>sitectl watch: ${ready?.status === 'True' ? 'ready' : 'not ready'}</title>
        <link rel="stylesheet" href="/status.css" />
      </head>
      <body>
        <header>
          <h1>sitectl watch</h1>
          <p class="ready ${ready?.status === 'True' ? 'ok' : 'bad'}">
            ${ready?.status === 'True' ? 'Ready' : 'Not ready'}: ${ready?.message ?? ''}
          </p>
          <p class="note">
            Refreshes every ${REFRESH_SECONDS} s. This page has no authentication: serve it on localhost or behind a proxy that has.
          </p>
        </header>
        <main>
          ${lastPass(status)} ${counts(sync, state)} ${held.length > 0 ? heldSection(held) : ''}
          ${serverTable(shown, listed.length, page, pages, state, sync)} ${eventList(input.events)}
        </main>
      </body>
    </html> `.text;
}

function lastPass(status: WatchStatus): Html {
  const last = status.last;
  // A pass that plans an edit waits for the files to settle before it writes: its servers show as Pending meanwhile.
  const running = status.running
    ? html`<p class="running">A pass is running: changes it planned show as Pending until it writes them.</p>`
    : '';
  if (!last)
    return html`<section id="last-pass">
      <h2>Last pass</h2>
      ${running}
      <p>No pass has finished yet.</p>
    </section>`;
  return html`<section id="last-pass">
    <h2>Last pass</h2>
    ${running}
    <dl>
      <dt>Result</dt>
      <dd class="result-${last.outcome}">${last.outcome}</dd>
      <dt>Trigger</dt>
      <dd>${last.trigger}</dd>
      <dt>Started</dt>
      <dd><time datetime="${last.startedAt}">${last.startedAt}</time></dd>
      <dt>Duration</dt>
      <dd>${last.durationMs} ms</dd>
      <dt>Revision</dt>
      <dd>${revisionText(last.revision ?? status.lastSuccess?.revision)}</dd>
      <dt>Passes</dt>
      <dd>${status.passes}</dd>
      ${
        last.error
          ? html`<dt>Error</dt>
              <dd class="error">${last.error}</dd>`
          : ''
      }
    </dl>
  </section>`;
}

function counts(sync: SyncView | null, selected: SyncState | undefined): Html {
  if (!sync)
    return html`<section id="counts">
      <h2>Servers</h2>
      <p>No pass has read the live state yet.</p>
    </section>`;
  const total = SYNC_STATES.reduce((sum, state) => sum + sync.counts[state], 0);
  const items = SYNC_STATES.map(
    (state) =>
      html`<li class="state-${state}${state === selected ? ' selected' : ''}">
        <a href="/?state=${state}"><span class="count">${sync.counts[state]}</span> ${state}</a>
      </li>`,
  );
  return html`<section id="counts">
    <h2>Servers</h2>
    <ul class="counts">
      <li class="${selected ? '' : 'selected'}">
        <a href="/"><span class="count">${total}</span> all</a>
      </li>
      ${items}
    </ul>
    <p class="note">As of <time datetime="${sync.at}">${sync.at}</time>.</p>
  </section>`;
}

function heldSection(held: readonly ServerSync[]): Html {
  const shown = held.slice(0, PAGE_SIZE);
  const rows = shown.map(
    (server) =>
      html`<li>
        <strong>${server.name}</strong> (${server.site}): ${server.reason}
        <ul>
          ${(server.roles ?? []).map((role) => html`<li>${role.role} needs ${role.proxy} <span class="where">${where(role.source)}</span></li>`)}
        </ul>
      </li>`,
  );
  const more =
    held.length > shown.length
      ? html`<p class="note">and ${held.length - shown.length} more: <a href="/?state=Held">all held servers</a></p>`
      : '';
  return html`<section id="held">
    <h2>Held: roles that need different proxies</h2>
    <ul class="held">
      ${rows}
    </ul>
    ${more}
  </section>`;
}

function serverTable(
  shown: readonly ServerSync[],
  total: number,
  page: number,
  pages: number,
  state: SyncState | undefined,
  sync: SyncView | null,
): Html {
  if (!sync) return html``;
  const rows = shown.map(
    (s) =>
      html`<tr class="state-${s.state}">
        <td>${s.name}</td>
        <td>${s.site}</td>
        <td>${s.state}</td>
        <td>${s.reason}</td>
        <td class="where">${s.source ? where(s.source) : ''}</td>
      </tr>`,
  );
  const link = (n: number) => `/?${new URLSearchParams({ ...(state ? { state } : {}), page: String(n) }).toString()}`;
  const first = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
  const nav = html`<nav class="pages">
    ${page > 1 ? html`<a rel="prev" href="${link(page - 1)}">previous</a>` : ''}
    <span>servers ${first}–${first + shown.length - (shown.length > 0 ? 1 : 0)} of ${total}, page ${page} of ${pages}</span>
    ${page < pages ? html`<a rel="next" href="${link(page + 1)}">next</a>` : ''}
  </nav>`;
  return html`<section id="servers">
    <h2>${state ?? 'All servers'}${state ? ' servers' : ', those that need attention first'}</h2>
    ${nav} ${table(['Server', 'Site', 'State', 'Why', 'Manifest'], rows)} ${total > PAGE_SIZE ? nav : ''}
  </section>`;
}

function eventList(events: readonly SiteEvent[] | undefined): Html {
  if (events === undefined)
    return html`<section id="events">
      <h2>Recent events</h2>
      <p class="error">The events could not be read; the watcher's log says why.</p>
    </section>`;
  if (events.length === 0)
    return html`<section id="events">
      <h2>Recent events</h2>
      <p>No events recorded.</p>
    </section>`;
  const rows = events.map(
    (e) =>
      html`<tr class="event-${e.type}">
        <td><time datetime="${e.lastTimestamp}">${e.lastTimestamp}</time></td>
        <td>${e.type}</td>
        <td>${e.reason}</td>
        <td>${e.object.kind}/${e.object.name}</td>
        <td>${e.message}${e.count > 1 ? ` (x${e.count})` : ''}</td>
      </tr>`,
  );
  return html`<section id="events">
    <h2>Recent events</h2>
    ${table(['Time', 'Type', 'Reason', 'Object', 'Message'], rows)}
  </section>`;
}

/** table is a table with a header row of `headers` and the rows given. */
function table(headers: readonly string[], rows: readonly Html[]): Html {
  return html`<table>
    <thead>
      <tr>
        ${headers.map((header) => html`<th>${header}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** revisionText says a live revision; 0 is a state nothing has written yet. */
function revisionText(revision: number | null | undefined): string {
  if (revision === undefined || revision === null) return '-';
  return revision === 0 ? '0 (nothing written yet)' : String(revision);
}

function where(source: { file: string; line: number }): string {
  return `${source.file}:${source.line}`;
}

/** Grouped is a view's servers by sync state, worked out once per view however many requests ask. */
interface Grouped {
  readonly byState: ReadonlyMap<SyncState, readonly ServerSync[]>;
  /** Those that need attention first, by state (Failed, Held, Drifted, Pending, Unmanaged), then those in sync. */
  readonly ordered: readonly ServerSync[];
}

const grouped = new WeakMap<SyncView, Grouped>();

/**
 * groupsOf groups a view's servers by state, within a state in the order of the manifests: one
 * sweep, not a sort, as at 20,000 servers a sort by name would cost more than the page is worth.
 */
function groupsOf(sync: SyncView): Grouped {
  let groups = grouped.get(sync);
  if (!groups) {
    const byState = new Map<SyncState, ServerSync[]>(SYNC_STATES.map((s) => [s, []]));
    for (const server of sync.servers()) byState.get(server.state)!.push(server);
    const ordered = ([] as ServerSync[]).concat(...SYNC_STATES.map((s) => byState.get(s)!)); // concat copies arrays whole: faster than flatMap
    groups = { byState, ordered };
    grouped.set(sync, groups);
  }
  return groups;
}

/** ordered lists the servers the page pages through: one state's, or all with those that need attention first. */
function ordered(sync: SyncView, state: SyncState | undefined): readonly ServerSync[] {
  const groups = groupsOf(sync);
  return state ? (groups.byState.get(state) ?? []) : groups.ordered;
}

function heldServers(sync: SyncView): readonly ServerSync[] {
  return sync.counts.Held === 0 ? [] : (groupsOf(sync).byState.get('Held') ?? []);
}

function stateFilter(value: string | null): SyncState | undefined {
  return SYNC_STATES.find((s) => s === value);
}

function pageNumber(value: string | null): number {
  const n = Number(value ?? '1');
  return Number.isSafeInteger(n) && n >= 1 ? n : 1;
}
