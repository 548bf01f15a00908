import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { sitectl } from './support/cli.js';
import { stringContaining } from './support/matchers.js';

// Mermaid's own parser checks the syntax; it needs a DOM, which jsdom provides.
async function mermaidParse(text: string): Promise<unknown> {
  const { window } = new JSDOM('');
  Object.assign(globalThis, { window, document: window.document });
  const { default: mermaid } = await import('mermaid');
  return mermaid.parse(text);
}

describe('sitectl graph', () => {
  it('draws the contoso hierarchy as Mermaid that Mermaid parses', async () => {
    const result = await sitectl(['graph', '-f', 'examples/contoso', '--live', 'test/fixtures/export/live.json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('site_CAS --> site_P01');
    expect(result.stdout).toContain('site_P01 --> site_S11');
    expect(result.stdout).toMatch(/class server\d+ pending;/);
    await expect(mermaidParse(result.stdout)).resolves.toMatchObject({ diagramType: stringContaining('flowchart') });
  });

  it('keeps only what a change touches with --only-changes', async () => {
    const result = await sitectl(['graph', '-f', 'examples/contoso', '--live', 'test/fixtures/export/live.json', '--only-changes']);
    expect(result.stdout.match(/^ {2}server\d+\[/gm)).toHaveLength(1);
    expect(result.stdout).toContain('cm-p01.eu.contoso.com');
    expect(result.stdout).not.toContain('site_P02');
    await expect(mermaidParse(result.stdout)).resolves.toBeDefined();
  });

  it('rejects a broken graph, so the check above can fail', async () => {
    await expect(mermaidParse('flowchart TD\n  a[[[ -->\n')).rejects.toThrow(/Parse error/);
  });

  it('exits 2 on invalid manifests', async () => {
    expect((await sitectl(['graph', '-f', 'examples/mistakes/DuplicateRole'])).code).toBe(2);
  });
});
