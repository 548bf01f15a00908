/** BACKENDS are the kinds of live state sitectl keeps in line: its state file, or a real ConfigMgr site. */
export const BACKENDS = ['file', 'configmgr'] as const;

/** BackendKind is one of BACKENDS. */
export type BackendKind = (typeof BACKENDS)[number];
