/** PlanFormat is an output format for diff and plan. */
export type PlanFormat = 'text' | 'json' | 'yaml' | 'patch' | 'powershell' | 'markdown';

/** PLAN_FORMATS lists the formats diff and plan print. */
export const PLAN_FORMATS: readonly PlanFormat[] = ['text', 'json', 'yaml', 'patch', 'powershell', 'markdown'];
