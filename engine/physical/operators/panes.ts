import { windowsFor } from './time-window.js';

/** A window as the TimeWindow operator writes it: `[start, end)` in µs. */
export type WindowValue = [number, number];

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Panes: slices of the time axis `gcd(window, slide)` wide, aligned with the windows' start
 * offset. Every window starts and ends on a pane boundary (starts are `startUs + k·slide`, ends a
 * window later), so all the times of one pane fall into exactly the same windows: rows can be
 * aggregated per pane and each pane's partial handed to its windows afterwards.
 */
export class Panes {
  readonly paneUs: number;
  private readonly windowsByPane = new Map<number, readonly WindowValue[]>();
  /** One array per window start: the reduce side writes a window's key text once per object. */
  private readonly windowByStart = new Map<number, WindowValue>();

  constructor(
    private readonly windowUs: number,
    private readonly slideUs: number,
    private readonly startUs: number,
  ) {
    this.paneUs = gcd(windowUs, slideUs);
  }

  /** The start of the pane holding `t` (µs); negative times too (a floored, not truncated, remainder). */
  paneOf(t: number): number {
    let r = (t - this.startUs) % this.paneUs;
    if (r < 0) r += this.paneUs;
    return t - r;
  }

  /** The windows holding every time of the pane starting at `pane`, latest start first (TimeWindow's order). */
  windowsOf(pane: number): readonly WindowValue[] {
    let ws = this.windowsByPane.get(pane);
    if (ws === undefined) {
      ws = windowsFor(pane, this.windowUs, this.slideUs, this.startUs).map(([start, end]) => {
        let w = this.windowByStart.get(start);
        if (w === undefined) this.windowByStart.set(start, (w = [start, end]));
        return w;
      });
      this.windowsByPane.set(pane, ws);
    }
    return ws;
  }
}
