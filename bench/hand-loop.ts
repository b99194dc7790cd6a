/**
 * The baseline: a hand-written single loop doing the seed query's work — split lines on ' ',
 * stamp each batch with the clock, count words per (60 s window, 30 s slide) — with no engine,
 * no sockets, no state store. Written the fast way: each stamp falls in one 30 s pane, words are
 * counted once per pane, and a window's count is the sum of its two panes.
 */
export function handLoopWordCount(lines: readonly string[], batchLines: number): { words: number; ms: number; keys: number } {
  const windowUs = 60_000_000;
  const slideUs = 30_000_000;
  const panes = new Map<number, Map<string, number>>();
  let words = 0;
  const started = performance.now();
  for (let b = 0; b < lines.length; b += batchLines) {
    const ts = Date.now() * 1000;
    const paneStart = ts - (ts % slideUs);
    let pane = panes.get(paneStart);
    if (!pane) panes.set(paneStart, (pane = new Map()));
    const end = Math.min(lines.length, b + batchLines);
    for (let i = b; i < end; i++) {
      for (const w of (lines[i] as string).split(' ')) {
        words++;
        pane.set(w, (pane.get(w) ?? 0) + 1);
      }
    }
  }
  // The windowed result: every window containing a pane gets that pane's counts.
  const windows = new Map<number, Map<string, number>>();
  for (const [paneStart, pane] of panes) {
    for (let start = paneStart; start > paneStart - windowUs; start -= slideUs) {
      let w = windows.get(start);
      if (!w) windows.set(start, (w = new Map()));
      for (const [word, n] of pane) w.set(word, (w.get(word) ?? 0) + n);
    }
  }
  let keys = 0;
  for (const m of windows.values()) keys += m.size;
  return { words, ms: performance.now() - started, keys };
}
