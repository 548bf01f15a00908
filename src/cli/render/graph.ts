import { proxyNamesBySettings, type DesiredState } from '../../model/desired.js';
import type { LiveState } from '../../model/live.js';
import type { Plan } from '../../model/plan.js';
import { describeSettings, settingsKey, type ProxySettings } from '../../model/proxy.js';

/** GraphFormat is a graph output: Mermaid (renders in GitHub and Azure DevOps markdown) or Graphviz DOT. */
export type GraphFormat = 'mermaid' | 'dot';

/** Mark is how a server stands in the plan: held by a conflict, with a pending change, or in line. */
type Mark = 'held' | 'pending' | 'ok';

interface GraphModel {
  readonly sites: { id: string; label: string; parent: string | null }[];
  readonly servers: { id: string; site: string; label: string; mark: Mark; proxy: string | null }[];
  readonly proxies: { id: string; label: string }[];
}

/**
 * buildGraph lays out the hierarchy (CAS, primaries, secondaries), each server with its roles,
 * and the proxy each server uses (the desired one, or the live one where sitectl leaves it
 * alone), marking held servers and pending changes. `onlyChanges` keeps just the servers a
 * plan touches, with their sites and proxies, for a pull-request summary.
 */
export function buildGraph(desired: DesiredState, plan: Plan, live: LiveState, onlyChanges: boolean): GraphModel {
  const marks = new Map<string, Mark>(plan.changes.map((c) => [c.name, c.action === 'hold' ? 'held' : 'pending']));
  const liveProxies = new Map<string, ProxySettings | null>(live.servers.map((s) => [s.name.toLowerCase(), s.proxy]));
  const proxies = new Map<string, string>();
  const names = proxyNamesBySettings(desired);
  const proxyId = (settings: ProxySettings | null): string | null => {
    if (!settings) return null;
    const described = describeSettings(settings);
    // A proxy that Proxy documents name is shown with those names above its settings.
    const named = names.get(settingsKey(settings));
    const label = named ? `${named.join(', ')}\n${described}` : described;
    if (!proxies.has(label)) proxies.set(label, `proxy${proxies.size + 1}`);
    return proxies.get(label)!;
  };
  const servers: GraphModel['servers'] = [];
  let index = 0;
  for (const server of desired.servers.values()) {
    index++;
    const mark = marks.get(server.name) ?? 'ok';
    if (onlyChanges && mark === 'ok') continue;
    const effective = server.effectiveProxy;
    const settings =
      effective.state === 'managed' ? (effective.proxy.enabled ? effective.proxy.settings : null) : (liveProxies.get(server.name) ?? null);
    const roles = server.roles.map((r) => r.type).join(', ') || 'no roles';
    const state = effective.state === 'held' ? 'held: roles disagree' : effective.state === 'unmanaged' ? 'proxy not managed' : '';
    servers.push({
      id: `server${index}`,
      site: `site_${server.site}`,
      label: [server.name, roles, state].filter(Boolean).join('\n'),
      mark,
      proxy: proxyId(settings),
    });
  }
  const usedSites = new Set(servers.map((s) => s.site));
  const sites = [...desired.sites.values()]
    .filter((s) => !onlyChanges || usedSites.has(`site_${s.code}`))
    .map((s) => ({
      id: `site_${s.code}`,
      label: `${s.code}\n${s.type} ${s.version}`,
      parent: s.parent && (!onlyChanges || usedSites.has(`site_${s.parent}`)) ? `site_${s.parent}` : null,
    }));
  return { sites, servers, proxies: [...proxies].map(([label, id]) => ({ id, label })) };
}

/** mermaidText escapes a label for a quoted Mermaid node: quotes and angle brackets become entity codes, line breaks <br/>. */
function mermaidText(text: string): string {
  return text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').split('\n').join('<br/>');
}

/** dotText escapes a label for a quoted Graphviz string. */
function dotText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').split('\n').join('\\n');
}

/** renderGraph prints the graph as Mermaid or DOT. */
export function renderGraph(model: GraphModel, format: GraphFormat): string {
  return format === 'mermaid' ? mermaid(model) : dot(model);
}

function mermaid(model: GraphModel): string {
  const lines = ['flowchart TD'];
  for (const s of model.sites) lines.push(`  ${s.id}(["${mermaidText(s.label)}"])`);
  for (const p of model.proxies) lines.push(`  ${p.id}{{"${mermaidText(p.label)}"}}`);
  for (const s of model.servers) lines.push(`  ${s.id}["${mermaidText(s.label)}"]`);
  for (const s of model.sites) if (s.parent) lines.push(`  ${s.parent} --> ${s.id}`);
  for (const s of model.servers) lines.push(`  ${s.site} --- ${s.id}`);
  for (const s of model.servers) if (s.proxy) lines.push(`  ${s.id} -.-> ${s.proxy}`);
  lines.push(
    '  classDef held fill:#fde2e1,stroke:#c0392b,stroke-width:2px;',
    '  classDef pending fill:#fff4d6,stroke:#b9770e,stroke-width:2px;',
    '  classDef proxy fill:#e8f1fb,stroke:#2e86c1;',
  );
  const held = model.servers.filter((s) => s.mark === 'held').map((s) => s.id);
  const pending = model.servers.filter((s) => s.mark === 'pending').map((s) => s.id);
  if (held.length) lines.push(`  class ${held.join(',')} held;`);
  if (pending.length) lines.push(`  class ${pending.join(',')} pending;`);
  if (model.proxies.length) lines.push(`  class ${model.proxies.map((p) => p.id).join(',')} proxy;`);
  return lines.join('\n') + '\n';
}

function dot(model: GraphModel): string {
  const lines = ['digraph sitectl {', '  rankdir=LR;', '  node [shape=box, fontname="Segoe UI"];'];
  for (const s of model.sites) lines.push(`  "${s.id}" [label="${dotText(s.label)}", shape=folder];`);
  for (const p of model.proxies) lines.push(`  "${p.id}" [label="${dotText(p.label)}", shape=hexagon, color="#2e86c1"];`);
  for (const s of model.servers) {
    const style =
      s.mark === 'held'
        ? ', style=filled, fillcolor="#fde2e1", color="#c0392b"'
        : s.mark === 'pending'
          ? ', style=filled, fillcolor="#fff4d6", color="#b9770e"'
          : '';
    lines.push(`  "${s.id}" [label="${dotText(s.label)}"${style}];`);
  }
  for (const s of model.sites) if (s.parent) lines.push(`  "${s.parent}" -> "${s.id}";`);
  for (const s of model.servers) lines.push(`  "${s.site}" -> "${s.id}" [arrowhead=none];`);
  for (const s of model.servers) if (s.proxy) lines.push(`  "${s.id}" -> "${s.proxy}" [style=dashed];`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
