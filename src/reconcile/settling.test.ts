import { describe, expect, it } from 'vitest';
import { Settling } from './settling.js';

const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Settling', () => {
  it('has settled at once when no file changed', async () => {
    expect(await new Settling(HOUR, HOUR).settled()).toBe(true);
  });

  it('waits for the files to be quiet for the debounce window after the last change', async () => {
    const settling = new Settling(150, HOUR);
    settling.changed();
    const started = performance.now();
    await sleep(50);
    settling.changed(); // the window starts again
    expect(await settling.settled()).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('gives up on files that keep changing for the whole patience', async () => {
    const settling = new Settling(HOUR, 100);
    settling.changed();
    const started = performance.now();
    expect(await settling.settled()).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(99);
  });

  it('stops waiting on stop, so the pass in flight finishes', async () => {
    const settling = new Settling(HOUR, HOUR);
    settling.changed();
    const waiting = settling.settled();
    settling.stop();
    expect(await waiting).toBe(true);
  });

  it('tells a pass of changes since it began, once each, and no more once it gave up', async () => {
    const settling = new Settling(HOUR, 100);
    const { changed } = settling.changesSince(settling.mark());
    expect(changed()).toBe(false);
    settling.changed();
    expect(changed()).toBe(true);
    expect(changed()).toBe(false);
    await sleep(110);
    settling.changed();
    expect(changed()).toBe(false);
  });

  it('leaves out of the window the changes a pass found to have left the bytes as it read them', async () => {
    const waited = (settling: Settling) => Promise.race([settling.settled(), sleep(1000).then(() => 'still waiting')]);
    const settling = new Settling(HOUR, HOUR);
    const pass = settling.changesSince(settling.mark()); // a pass with no change before it (an interval pass)
    settling.changed(); // the same bytes saved again
    expect(pass.changed()).toBe(true);
    pass.unchanged(); // read again: as read
    expect(await waited(settling)).toBe(true);

    const other = new Settling(HOUR, HOUR);
    const second = other.changesSince(other.mark());
    other.changed();
    expect(second.changed()).toBe(true);
    other.changed(); // a change the pass has not read again
    second.unchanged();
    expect(await waited(other)).toBe('still waiting');
  });

  it('starts the patience again after a pass acted on settled files', async () => {
    const settling = new Settling(HOUR, 100);
    settling.changed();
    await sleep(110);
    settling.acted(settling.mark()); // nothing changed since that pass began
    settling.changed();
    const started = performance.now();
    expect(await settling.settled()).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(99);
  });
});
