/** One stage as explain() prints it under `Stages:`. */
export interface StageView {
  /** `Stage 0`, `Stage 1`, `Driver`. */
  readonly name: string;
  /** `map`, `reduce`, `driver`. */
  readonly kind: string;
  /** The text in parentheses after the name (what a task covers, the state store). */
  readonly detail: string;
  readonly operators: readonly string[];
}

export interface StagesView {
  readonly stages: readonly StageView[];
  /** The physical plan's exchange between the map and reduce stages, e.g. `hashpartitioning(window#3, word#1, 8)`. */
  readonly exchange: string | null;
}

/**
 * The stage graph of a running query, read from its explain() text (the `Stages:` block the
 * streaming planner's stages print as, and the physical plan's `Exchange` line), so the UI draws
 * exactly what `query.explain()` says.
 */
export function parseStages(explainText: string): StagesView {
  const lines = explainText.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'Stages:');
  const stages: StageView[] = [];
  if (start >= 0) {
    for (const line of lines.slice(start + 1)) {
      const m = /^\s+(Stage \d+|Driver)\s*(?:\((.*)\))?:\s*(.*)$/.exec(line);
      if (!m) break;
      const name = m[1] ?? '';
      const detail = m[2] ?? '';
      const kind = name === 'Driver' ? 'driver' : (/^(\w+)/.exec(detail)?.[1] ?? 'stage');
      stages.push({ name, kind, detail, operators: (m[3] ?? '').split(', ').filter((s) => s !== '') });
    }
  }
  const exchangeLine = lines.find((l) => /\bExchange\s/.test(l));
  const exchange = exchangeLine === undefined ? null : (/Exchange\s+(.*)$/.exec(exchangeLine)?.[1]?.trim() ?? null);
  return { stages, exchange };
}
