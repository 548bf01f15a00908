import { MISSING_POWERSHELL, POWERSHELL } from './powershell.js';

/** Vitest's global setup: one line for the whole run when the PowerShell tests are skipped, and why. */
export default function setup(): void {
  if (!POWERSHELL && process.env['SITECTL_REQUIRE_POWERSHELL'] !== '1') console.warn(`PowerShell tests skipped: ${MISSING_POWERSHELL}`);
}
