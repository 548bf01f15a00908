import type { Where } from '../model/diagnostic.js';
import type { Origin, Role, SiteSystemServer } from '../model/server.js';

/** at locates a diagnostic at an origin, or at one of its fields (falling back to the origin when the field is not written). */
export function at(origin: Origin, field?: string): Where {
  if (!field) return { object: origin.document, source: origin.source, path: origin.path };
  const path = `${origin.path}/${field}`;
  return { object: origin.document, source: origin.locate(path), path };
}

/** declaredAt renders where something was declared as `file:line`, for messages. */
export function declaredAt(origin: Origin): string {
  return `${origin.source.file}:${origin.source.line}`;
}

/** roleLabel names a role on its server for messages, e.g. `SoftwareUpdatePoint on cm02.contoso.com`. */
export function roleLabel(role: Role, server: SiteSystemServer): string {
  return `${role.type} on ${server.name}`;
}
