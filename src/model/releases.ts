/** KNOWN_RELEASES are the ConfigMgr current-branch releases (YYMM) that sitectl knows by name. */
export const KNOWN_RELEASES: readonly number[] = [
  1910, 2002, 2006, 2010, 2103, 2107, 2111, 2203, 2207, 2211, 2303, 2309, 2403, 2409, 2503, 2509, 2603,
];

/**
 * SUPPORT_ENDS gives the last day of support of each known release. The four newest come from
 * Microsoft's lifecycle page (DOMAIN.md); older ones are release date + 18 months and have all
 * long passed, so their exact day never changes a result.
 */
export const SUPPORT_ENDS: Readonly<Record<number, string>> = {
  1910: '2021-05-29',
  2002: '2021-10-01',
  2006: '2022-02-11',
  2010: '2022-05-30',
  2103: '2022-10-05',
  2107: '2023-02-02',
  2111: '2023-06-01',
  2203: '2023-10-06',
  2207: '2024-02-12',
  2211: '2024-06-05',
  2303: '2024-10-10',
  2309: '2025-04-23',
  2403: '2025-10-24',
  2409: '2026-06-04',
  2503: '2026-09-30',
  2509: '2027-05-12',
  2603: '2027-11-05',
};

/** isPlausibleRelease accepts a known release or a later YY03/YY09 one (releases ship in March and September). */
export function isPlausibleRelease(version: number): boolean {
  if (KNOWN_RELEASES.includes(version)) return true;
  const month = version % 100;
  return version > 2603 && (month === 3 || month === 9);
}

/**
 * supportEnd gives a release's last day of support. For a release newer than this table it
 * estimates 20 months after its name month (it ships a month or two after it, then has 18),
 * so a new release is never flagged early.
 */
export function supportEnd(version: number): string {
  const known = SUPPORT_ENDS[version];
  if (known) return known;
  const year = 2000 + Math.floor(version / 100);
  const month = (version % 100) + 20;
  const endYear = year + Math.floor((month - 1) / 12);
  const endMonth = ((month - 1) % 12) + 1;
  return `${endYear}-${String(endMonth).padStart(2, '0')}-01`;
}
