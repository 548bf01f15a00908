// The watcher's status page as a person sees it: Debian's headless Chromium, driven by
// playwright-core, loads the page the built CLI serves on manifests in a temporary folder.
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { server, SITE_P01 } from './support/manifests.js';
import { startSitectl, type Running } from './support/process.js';

/** CHROMIUM is the browser these tests drive: Debian's `chromium` package, or SITECTL_CHROMIUM. */
const CHROMIUM = process.env['SITECTL_CHROMIUM'] || '/usr/bin/chromium';
const MISSING = missingBrowser(CHROMIUM);
/** SITECTL_REQUIRE_BROWSER=1 (CI) turns a missing browser from a skip into a failure. */
const REQUIRED = process.env['SITECTL_REQUIRE_BROWSER'] === '1';
const SKIP = MISSING !== undefined && !REQUIRED;
if (SKIP) process.stderr.write(`Status page browser tests skipped: ${MISSING}\n`);

/** The flags that start Chromium on a CI machine: as root, no GPU, no network of its own. Playwright adds --headless and a fresh --user-data-dir. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The watcher waits this long for edited files to settle: the window in which an edited server shows as Pending, long enough for a reload every 100 ms to see it. */
const DEBOUNCE_MS = 4000;
/** How long a page may take to show a state, on a loaded 2-core machine. */
const PAGE_TIMEOUT_MS = 30_000;

/** The held server: two roles that need different proxies and no spec.proxy to choose one. */
const heldManifest = (account: string) =>
  server(
    'cm02.contoso.com',
    `  site: P01
  roles:
    - type: SoftwareUpdatePoint
      proxy: { server: proxy-eu.contoso.com, port: 8080, account: '${account}' }
    - type: ExchangeServerConnector
      proxy: { server: proxy-us.contoso.com, port: 8080 }
`,
  );
/** A server that sitectl can bring in sync, on the proxy port given. */
const syncedManifest = (name: string, port: number) => server(name, `  site: P01\n  proxy: { server: proxy.contoso.com, port: ${port} }\n`);

/** A folder name that is a whole script element once the folders are joined: `<script>alert(1)<` / `script>`. */
const SCRIPT_FOLDER = path.join('<script>alert(1)<', 'script>');

let browser: Browser | undefined;
let context: BrowserContext | undefined;
let watcher: Running | undefined;
let dir: string;

/** lineOf is the 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`no line contains ${needle}`);
  return index + 1;
}

function missingBrowser(executable: string): string | undefined {
  try {
    accessSync(executable, constants.X_OK);
    return undefined;
  } catch {
    return `no executable browser at ${executable} (install Debian's chromium package, or point SITECTL_CHROMIUM at a Chromium)`;
  }
}

/** writeManifests writes `{ relative path: text }` under the temporary folder's config/. */
async function writeManifests(files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(dir, 'config', file);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, text);
  }
}

/** writeAtomically replaces a file the way editors and git do, so that the watcher never reads it half-written. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  await writeFile(temp, text);
  await rename(temp, file);
}

/** watch starts the built CLI on config/ with its state in the temporary folder, and resolves with the status page's URL once the first pass has acted. */
async function watch(...extra: string[]): Promise<string> {
  watcher = startSitectl(
    ['watch', '-f', 'config', '--state', path.join('state', 'state.json'), '--interval', '1h', '--health-addr', '127.0.0.1:0']
      .concat(['--log-level', 'info'])
      .concat(extra),
    dir,
  );
  const [, url] = await watcher.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/, 'stderr');
  // A held server alone leaves nothing to write: the first pass is unchanged then, not applied.
  const [line] = await watcher.waitFor(/pass 1 start \w+ \(revision \d+\)/);
  expect(line).toMatch(/applied|unchanged/);
  return url;
}

async function newPage(): Promise<Page> {
  context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  return page;
}

/** row is the servers table's row of one server. */
function row(page: Page, name: string): Locator {
  return page.locator('#servers tbody tr').filter({ has: page.getByRole('cell', { name, exact: true }) });
}

/** cells reads a server's row (Server, Site, State, Why, Manifest) without waiting: empty when the page does not list it. */
async function cells(page: Page, name: string): Promise<string[]> {
  return (await row(page, name).locator('td').allTextContents()).map((text) => text.trim());
}

/**
 * reloadUntil reloads the page every 100 ms until `check` holds of what it shows. A reload
 * that the page's own meta refresh interrupts counts as not yet.
 */
async function reloadUntil(page: Page, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + PAGE_TIMEOUT_MS;
  for (;;) {
    const shown = await page
      .reload({ waitUntil: 'domcontentloaded' })
      .then(check)
      .catch(() => false);
    if (shown) return;
    if (Date.now() > deadline) {
      const text = await page
        .locator('main')
        .innerText({ timeout: 1000 })
        .catch(() => '(unreadable)');
      throw new Error(`the status page did not show ${what} within ${PAGE_TIMEOUT_MS} ms; it shows:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** nonBackgroundPixels decodes a PNG in the browser and counts the pixels that differ from its most common colour. */
async function nonBackgroundPixels(page: Page, png: Buffer): Promise<{ width: number; height: number; pixels: number; colours: number }> {
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const drawing = canvas.getContext('2d')!;
    drawing.drawImage(image, 0, 0);
    const data = new Uint32Array(drawing.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
    const counts = new Map<number, number>();
    for (const pixel of data) counts.set(pixel, (counts.get(pixel) ?? 0) + 1);
    let background = 0;
    for (const count of counts.values()) background = Math.max(background, count);
    return { width: canvas.width, height: canvas.height, pixels: data.length - background, colours: counts.size };
  }, png.toString('base64'));
}

describe.skipIf(SKIP)('sitectl watch status page, in headless Chromium', () => {
  beforeAll(async () => {
    if (MISSING) throw new Error(`${MISSING}; SITECTL_REQUIRE_BROWSER=1 requires it`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sitectl-status-page-'));
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
    if (watcher && watcher.child.exitCode === null && watcher.child.signalCode === null) {
      watcher.child.kill('SIGKILL');
      await watcher.exited;
    }
    watcher = undefined;
    // Screenshots stay for the CI log to point at; the manifests and the state go.
    for (const entry of await readdir(dir)) if (!entry.endsWith('.png')) await rm(path.join(dir, entry), { recursive: true, force: true });
    if ((await readdir(dir)).length === 0) await rm(dir, { recursive: true, force: true });
  });

  it('lists a server whose roles need different proxies under Held, with both roles, the proxy each needs and its file:line', async () => {
    const held = heldManifest('CONTOSO\\svc-eu');
    await writeManifests({ 'site.yaml': SITE_P01, 'held.yaml': held });
    const page = await newPage();
    await page.goto(await watch());

    const section = page.locator('#held');
    expect(await section.locator('h2').innerText()).toMatch(/^Held/);
    const server = section.locator('ul.held > li');
    expect(await server.count()).toBe(1);
    expect(await server.locator('strong').innerText()).toBe('cm02.contoso.com');
    expect(await server.innerText()).toContain('(ProxyConflict)');
    expect(await server.locator('ul > li').allInnerTexts()).toEqual([
      `SoftwareUpdatePoint needs proxy-eu.contoso.com:8080 as CONTOSO\\svc-eu config/held.yaml:${lineOf(held, 'type: SoftwareUpdatePoint')}`,
      `ExchangeServerConnector needs proxy-us.contoso.com:8080 as System config/held.yaml:${lineOf(held, 'type: ExchangeServerConnector')}`,
    ]);
    const [name, site, state, , manifest] = await cells(page, 'cm02.contoso.com');
    expect([name, site, state]).toEqual(['cm02.contoso.com', 'P01', 'Held']);
    expect(manifest).toMatch(/^config\/held\.yaml:\d+$/);
  });

  it('shows an edited server as Pending while the files settle, then InSync once the edit is written', async () => {
    await writeManifests({ 'site.yaml': SITE_P01, 'servers.yaml': syncedManifest('cm03.contoso.com', 8080) });
    const page = await newPage();
    await page.goto(await watch('--debounce', `${DEBOUNCE_MS}ms`));
    expect((await cells(page, 'cm03.contoso.com'))[2]).toBe('InSync');

    const edited = Date.now();
    await writeAtomically(path.join(dir, 'config', 'servers.yaml'), syncedManifest('cm03.contoso.com', 8081));
    await reloadUntil(page, 'cm03.contoso.com as Pending', async () => (await cells(page, 'cm03.contoso.com'))[2] === 'Pending');
    // Read straight after the reload (the meta refresh is 5 s away): the server waits with its
    // change said, and the last finished pass is still the first one.
    const pending = await cells(page, 'cm03.contoso.com');
    const lastPass = await page.locator('#last-pass').innerText();
    expect(pending[2]).toBe('Pending');
    expect(pending[3]).toMatch(/^would update: proxy to \S+:8081 as \S+$/);
    expect(lastPass).toContain('A pass is running');
    expect(lastPass).toMatch(/Revision\s+1\b/);

    await reloadUntil(page, 'cm03.contoso.com as InSync', async () => (await cells(page, 'cm03.contoso.com'))[2] === 'InSync');
    expect(Date.now() - edited).toBeGreaterThanOrEqual(DEBOUNCE_MS);
    expect(await page.locator('#last-pass').innerText()).toMatch(/Revision\s+2\b/);
    expect(await page.locator('#counts li.state-Pending .count').innerText()).toBe('0');
    const written = JSON.parse(await readFile(path.join(dir, 'state', 'state.json'), 'utf8')) as { servers: { proxy: { port: number } }[] };
    expect(written.servers.map((s) => s.proxy.port)).toEqual([8081]);
    // Room for the start (45 s) and both page waits (30 s each) to fail with their own message.
  }, 120_000);

  it('renders manifest values that contain <script> as text: no script element, no dialog', async () => {
    const account = 'CONTOSO\\<script>alert(1)';
    await writeManifests({
      'site.yaml': SITE_P01,
      'held.yaml': heldManifest(account),
      [path.join(SCRIPT_FOLDER, 'edge.yaml')]: syncedManifest('cm05.contoso.com', 8080),
    });
    const page = await newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(await watch());

    // The proxy account of a held role, in the Held section.
    const role = page.locator('#held').getByText(`SoftwareUpdatePoint needs proxy-eu.contoso.com:8080 as ${account}`);
    expect(await role.isVisible(), 'the held role with the account, shown as text').toBe(true);
    // A folder name, in the servers table's Manifest column.
    const folder = page.locator('#servers').getByText('config/<script>alert(1)</script>/edge.yaml:4', { exact: true });
    expect(await folder.isVisible(), 'the folder name in the Manifest column, shown as text').toBe(true);
    expect((await cells(page, 'cm05.contoso.com'))[4]).toBe('config/<script>alert(1)</script>/edge.yaml:4');
    // Whatever the page's Content-Security-Policy would block, escaping leaves nothing to block.
    expect(await page.locator('script').count(), 'script elements in the DOM').toBe(0);
    expect(dialogs, 'dialogs opened by the page').toEqual([]);
  });

  it('saves a full-page screenshot that is not blank', async () => {
    await writeManifests({
      'site.yaml': SITE_P01,
      'held.yaml': heldManifest('CONTOSO\\svc-eu'),
      'servers.yaml': syncedManifest('cm03.contoso.com', 8080),
    });
    const page = await newPage();
    await page.goto('about:blank');
    const blank = await page.screenshot({ fullPage: true });
    await page.goto(await watch());
    await page.locator('#events tbody tr').first().waitFor();
    const file = path.join(dir, 'status-page.png');
    const shot = await page.screenshot({ fullPage: true, path: file });
    console.log(`status page screenshot: ${file}`);

    expect(shot.equals(blank)).toBe(false);
    expect(shot.length).toBeGreaterThan(blank.length);
    expect(await readFile(file)).toEqual(shot);
    await page.goto('about:blank');
    const decoded = await nonBackgroundPixels(page, shot);
    expect(decoded.width).toBe(1280);
    expect(decoded.height).toBeGreaterThanOrEqual(800);
    // Text, tables and coloured states: many pixels off the background, in many colours.
    expect(decoded.pixels).toBeGreaterThan(decoded.width * decoded.height * 0.01);
    expect(decoded.colours).toBeGreaterThan(16);
    expect((await nonBackgroundPixels(page, blank)).pixels).toBe(0);
  });
});
