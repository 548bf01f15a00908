/** Palette colours terminal text; every colour sitectl prints goes through one. */
export interface Palette {
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
  readonly green: (text: string) => string;
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

/** palette colours only for a terminal, and never when NO_COLOR is set or --no-color was given. */
export function palette(enabled: boolean): Palette {
  if (!enabled) return { red: plain, yellow: plain, cyan: plain, green: plain, bold: plain, dim: plain };
  return { red: sgr(31, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), green: sgr(32, 39), bold: sgr(1, 22), dim: sgr(2, 22) };
}

/** useColor decides colour from the flag, NO_COLOR (https://no-color.org) and whether stdout is a terminal. */
export function useColor(flag: boolean, env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  return flag && isTTY && !env.NO_COLOR;
}
