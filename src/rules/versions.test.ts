import { describe, expect, it } from 'vitest';
import { validate } from '../validate.js';
import { only, sources, SITE_P01 } from '../../test/support/manifests.js';

const at = (version: number, today: string, extra = '') =>
  validate(sources({ 's.yaml': SITE_P01.replace('2509', String(version)) + extra }), { today });

describe('unsupportedSiteVersion', () => {
  it.each([
    [2509, '2027-05-12', 0],
    [2509, '2027-05-13', 1],
    [2503, '2026-09-30', 0],
    [2503, '2026-10-01', 1],
    [2603, '2027-11-05', 0],
    [2609, '2028-05-01', 0],
  ])('%i on %s: %i warnings', (version, today, count) => {
    const found = only(at(version, today), 'UnsupportedSiteVersion');
    expect(found).toHaveLength(count);
    if (count)
      expect(found[0]).toMatchObject({
        severity: 'warning',
        path: '/spec/version',
        source: { file: 's.yaml', line: 7, column: 12 },
        message: `site P01 runs ConfigMgr ${version}, whose support ended on ${version === 2509 ? '2027-05-12' : '2026-09-30'}; upgrade to a supported release.`,
      });
  });
});

describe('siteVersionKnown', () => {
  it('rejects a later version that is not a March or September release', () => {
    expect(only(at(2612, '2026-11-26'), 'SchemaViolation')).toEqual([
      expect.objectContaining({
        path: '/spec/version',
        source: { file: 's.yaml', line: 7, column: 12 },
        message: 'spec.version: 2612 is not a ConfigMgr release; releases are named YYMM and ship in March (YY03) and September (YY09).',
      }),
    ]);
    expect(only(at(2703, '2026-11-26'), 'SchemaViolation')).toEqual([]);
  });
});

describe('featureRequiresVersion', () => {
  const features = '  features:\n    entraUserDiscovery: true\n    entraCollectionSync: true\n';
  it('warns per Entra feature turned on before 2002, at the feature', () => {
    const found = only(at(1910, '2026-11-26', features), 'FeatureRequiresVersion');
    expect(found.map((d) => d.source)).toEqual([
      { file: 's.yaml', line: 10, column: 25 },
      { file: 's.yaml', line: 11, column: 26 },
    ]);
    const said = (feature: string) =>
      `site P01 runs 1910: ${feature} uses the service connection point's proxy only from 2002, so here it does not go through the proxy; upgrade the site. Problems show in SMS_AZUREAD_DISCOVERY_AGENT.log.`;
    expect(found.map((d) => d.message)).toEqual([
      said('Microsoft Entra user discovery'),
      said('collection membership sync to Microsoft Entra groups'),
    ]);
    const group = only(at(1910, '2026-11-26', '  features:\n    entraGroupDiscovery: true\n'), 'FeatureRequiresVersion');
    expect(group.map((d) => d.message)).toEqual([said('Microsoft Entra user group discovery')]);
  });
  it('is quiet from 2002', () => {
    expect(only(at(2002, '2026-11-26', features), 'FeatureRequiresVersion')).toEqual([]);
  });
});
