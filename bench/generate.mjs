// Generates a realistic sitectl repository of N site system servers: a CAS, primaries of up
// to 5,000 servers each, a few secondaries per primary, regional proxies, a folder per site
// and about 100 documents per file, with a mix of SUP, DP (some with Connected Cache),
// Exchange connector and management point roles.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** generateRepo writes the repository under `root` and returns the files and server names it wrote. */
export function generateRepo(root, servers) {
  const primaries = Math.max(1, Math.ceil(servers / 5000));
  const files = [];
  const names = [];
  const write = (file, docs) => {
    const full = path.join(root, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, docs.join('---\n'));
    files.push(file);
  };
  const site = (code, type, parent) =>
    `apiVersion: sitectl/v1\nkind: Site\nmetadata:\n  name: ${code}\nspec:\n  type: ${type}\n  version: 2509\n${parent ? `  parent: ${parent}\n` : ''}  siteServer: cm-${code.toLowerCase()}.contoso.com\n  requireProxy: true\n`;
  write('CAS/site.yaml', [site('CAS', 'CentralAdministrationSite')]);
  write(
    'proxies/proxies.yaml',
    Array.from(
      { length: primaries },
      (_, p) =>
        `apiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n  name: region-${p}\nspec:\n  server: proxy-${p}.contoso.com\n  port: 8080\n`,
    ).concat(
      Array.from(
        { length: primaries },
        (_, p) =>
          `apiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n  name: region-${p}-anon\nspec:\n  server: proxy-${p}.contoso.com\n  port: 3128\n`,
      ),
    ),
  );
  let made = 0;
  for (let p = 0; p < primaries; p++) {
    const code = `P${String(p).padStart(2, '0')}`;
    const secondaries = [1, 2, 3].map((s) => `S${p.toString(36).toUpperCase()}${s}`);
    write(`${code}/site.yaml`, [site(code, 'PrimarySite', 'CAS'), ...secondaries.map((s) => site(s, 'SecondarySite', code))]);
    const count = Math.min(5000, servers - made);
    let docs = [];
    for (let i = 0; i < count; i++, made++) {
      const siteCode = i % 10 === 9 ? secondaries[i % 3] : code;
      const name = `srv${made}.${code.toLowerCase()}.contoso.com`;
      names.push(name);
      let roles;
      if (i % 50 === 0)
        roles = `  proxy: { ref: region-${p} }\n  roles:\n    - type: SoftwareUpdatePoint\n      useProxy: true\n      useProxyForAutomaticDeploymentRules: ${siteCode === code}\n`;
      else if (i % 97 === 1) roles = `  proxy: { ref: region-${p} }\n  roles:\n    - type: ExchangeServerConnector\n`;
      else if (i % 3 === 0)
        roles = `  proxy: { ref: region-${p}-anon }\n  roles:\n    - type: DistributionPoint\n      connectedCache: true\n`;
      else roles = `  proxy: { ref: region-${p} }\n  roles:\n    - type: DistributionPoint\n    - type: ManagementPoint\n`;
      docs.push(`apiVersion: sitectl/v1\nkind: SiteSystemServer\nmetadata:\n  name: ${name}\nspec:\n  site: ${siteCode}\n${roles}`);
      if (docs.length === 100) {
        write(`${code}/servers-${String(Math.floor(i / 100)).padStart(3, '0')}.yaml`, docs);
        docs = [];
      }
    }
    if (docs.length) write(`${code}/servers-last.yaml`, docs);
  }
  return { files, names };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [root, count] = process.argv.slice(2);
  if (!root || !count) {
    console.error('usage: node bench/generate.mjs DIR SERVERS');
    process.exit(2);
  }
  const { files } = generateRepo(root, Number(count));
  console.log(`${files.length} files, ${count} servers under ${root}`);
}
