import { describe, expect, it } from 'vitest';
import { planOf } from '../../test/support/plans.js';
import type { DesiredState } from '../model/desired.js';
import type { LiveState } from '../model/live.js';
import type { Change, Plan } from '../model/plan.js';
import { afterReport, afterWrite, newWriteMemory } from './pass-outcome.js';

const desired: DesiredState = { sites: new Map(), proxies: new Map(), servers: new Map(), cloudDistributionPoints: [] };
const live: LiveState = { apiVersion: 'sitectl/v1', kind: 'LiveState', revision: 1, sites: [], servers: [] };

const change = (name: string, action: Change['action'], drift = false): Change => ({
  kind: 'SiteSystemServer',
  name,
  action,
  patch: action === 'hold' ? [] : [{ op: 'replace', path: '/proxy', value: null }],
  before: {},
  after: {},
  ...(drift ? { drift } : {}),
});

const plan = (...changes: Change[]): Plan => planOf(changes);

const refused = (server: string) => ({ server, outcome: 'failed' as const, message: 'The SMS Provider reported an error.' });

describe('afterWrite', () => {
  it('keeps only holds and what the site did not take, and counts the rest as applied by action', () => {
    const memory = newWriteMemory();
    const written = plan(change('a', 'update'), change('b', 'update'), change('c', 'create'), change('d', 'hold'));
    const { sync, counts } = afterWrite(memory, desired, live, written, [refused('b')]);
    expect(sync.changes.map((c) => c.name)).toEqual(['b', 'd']);
    expect(counts).toEqual({ applied: { update: 1, create: 1 }, failed: { update: 1 }, drifted: 0 });
    expect([...memory.notTaken]).toEqual([['b', { outcome: 'failed', message: 'The SMS Provider reported an error.' }]]);
  });

  it('remembers what the site refused through a pass that wrote nothing, and forgets it once a write is taken', () => {
    const memory = newWriteMemory();
    afterWrite(memory, desired, live, plan(change('B', 'update')), [refused('B')]);
    // A pass whose plan had errors writes nothing: the refusal stands.
    const unwritten = afterWrite(memory, desired, live, plan(change('b', 'update')), null);
    expect(unwritten.sync.notTaken?.get('b')?.outcome).toBe('failed');
    expect(unwritten.counts).toEqual({ applied: {}, failed: {}, drifted: 0 });
    // The next write is taken.
    const taken = afterWrite(memory, desired, live, plan(change('b', 'update')), []);
    expect(taken.sync.changes).toEqual([]);
    expect(memory.notTaken.size).toBe(0);
  });

  it('counts a drift once while it stays, and again when it comes back after being written', () => {
    const memory = newWriteMemory();
    expect(afterReport(memory, desired, live, plan(change('a', 'update', true))).counts.drifted).toBe(1);
    expect(afterReport(memory, desired, live, plan(change('a', 'update', true), change('b', 'update', true))).counts.drifted).toBe(1);
    expect(afterWrite(memory, desired, live, plan(change('a', 'update', true), change('b', 'update', true)), []).counts.drifted).toBe(0);
    expect(afterWrite(memory, desired, live, plan(change('a', 'update', true)), []).counts.drifted).toBe(1);
  });
});
