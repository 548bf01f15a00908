/**
 * Settling tells a watcher's passes when the manifest files have settled: quiet for the
 * debounce window. Files that keep changing for a whole interval are given up on, so that a
 * folder that never settles is still reconciled, as read, once per interval.
 */
export class Settling {
  private changes = 0;
  /** When the last change was seen, and since when the files have not settled (performance.now()). */
  private lastChangeAt = -Infinity;
  private unsettledSince: number | null = null;
  /** Where the pass in flight began: the changes seen by then, and when the last of them was. */
  private marked = { changes: 0, lastChangeAt: -Infinity };
  private stopped = false;
  /** Ends a wait early, on stop. */
  private wake: (() => void) | undefined;

  constructor(
    private readonly debounceMs: number,
    private readonly patienceMs: number,
  ) {}

  /** changed records a file change. */
  changed(): void {
    this.changes++;
    this.lastChangeAt = performance.now();
    this.unsettledSince ??= this.lastChangeAt;
  }

  /** stop ends any wait, so that the pass in flight finishes. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** mark is where a pass begins: what watching since it, and settling after it, start from. */
  mark(): number {
    this.marked = { changes: this.changes, lastChangeAt: this.lastChangeAt };
    return this.changes;
  }

  /**
   * changesSince gives a pass begun at `mark` its view of the changes since. `changed` tells
   * of a change seen since the mark, or since it last asked; once the files have been changing
   * for the whole patience, it says no: the pass stops chasing them. `unchanged` is the pass
   * saying that the files, read again after what `changed` last told of, hold the bytes it read
   * when it began: those were events without new content (a save reported twice, a touch),
   * and the window counts from before them, unless another change came since.
   */
  changesSince(mark: number): PassChanges {
    let seen = mark;
    return {
      changed: () => {
        const since = this.changes !== seen && !this.gaveUp();
        seen = this.changes;
        return since;
      },
      unchanged: () => {
        if (this.changes === seen && this.marked.changes === mark) this.lastChangeAt = this.marked.lastChangeAt;
      },
    };
  }

  /**
   * settled waits until the files have been quiet for the debounce window (true). It gives up
   * once they have been changing for the whole patience (false), and on stop it stops waiting
   * (true).
   */
  async settled(): Promise<boolean> {
    for (;;) {
      const left = this.lastChangeAt + this.debounceMs - performance.now();
      if (this.stopped || left <= 0) return true;
      if (this.gaveUp()) return false;
      const giveUpIn = this.unsettledSince === null ? Infinity : this.unsettledSince + this.patienceMs - performance.now();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.wake?.(), Math.min(left, giveUpIn));
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  /** acted records that a pass begun at `mark` acted on the files: they settled then, unless they changed again since. */
  acted(mark: number): void {
    this.unsettledSince = this.changes === mark ? null : this.lastChangeAt;
  }

  private gaveUp(): boolean {
    return this.unsettledSince !== null && performance.now() - this.unsettledSince >= this.patienceMs;
  }
}

/** PassChanges is one pass's view of the file changes since it began (Settling.changesSince). */
export interface PassChanges {
  readonly changed: () => boolean;
  readonly unchanged: () => void;
}
