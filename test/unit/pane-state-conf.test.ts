import { describe, expect, it } from 'vitest';
import type { OperatorSpec } from '../../engine/physical/operator.js';
import type { PaneExpandConfig } from '../../engine/physical/operators/pane-expand.js';
import type { StreamingPlan } from '../../engine/physical/streaming-planner.js';
import { checkpointPlan, freshConf, PANE_SHUFFLE_CONF, PANE_STATE_CONF } from '../../master/streaming/resume-point.js';

/**
 * State kept by pane is a layout of the Redis store's rows, so a checkpoint freezes it at its first
 * batch (`kindling.sql.streaming.paneState`): new Redis checkpoints keep panes, other stores and
 * checkpoints started before it (no value) keep windows, and the frozen value wins over the session's.
 */
const plan = {
  mapOps: [],
  reduceOps: [
    { name: 'PaneExpand', config: { windowUs: 60, slideUs: 5, startUs: 0, keyCount: 2, windowKey: 0, aggregates: [], schema: { fields: [] } } },
    { name: 'StatefulAggregate', config: {} },
  ] as OperatorSpec[],
} as unknown as StreamingPlan;

const paneState = (p: StreamingPlan): boolean | undefined => (p.reduceOps[0]?.config as PaneExpandConfig).paneState;

describe('kindling.sql.streaming.paneState', () => {
  it('a new checkpoint freezes it for the Redis store only, and not without the pane shuffle or when the session turns it off', () => {
    expect(freshConf(4, { watermarkPolicy: 'min' }, 'redis')[PANE_STATE_CONF]).toBe('true');
    expect(freshConf(4, { watermarkPolicy: 'min' }, 'memory')[PANE_STATE_CONF]).toBe('false');
    expect(freshConf(4, { watermarkPolicy: 'min', paneShuffle: false }, 'redis')[PANE_STATE_CONF]).toBe('false');
    expect(freshConf(4, { watermarkPolicy: 'min', paneState: false }, 'redis')[PANE_STATE_CONF]).toBe('false');
  });

  it('PaneExpand leaves pane rows for the state only where the checkpoint froze it', () => {
    expect(paneState(checkpointPlan(plan, { [PANE_SHUFFLE_CONF]: 'true', [PANE_STATE_CONF]: 'true' }))).toBe(true);
    // Frozen before the pane state existed (no value), or frozen off: windows, as the state was written.
    expect(paneState(checkpointPlan(plan, { [PANE_SHUFFLE_CONF]: 'true' }))).toBeUndefined();
    expect(paneState(checkpointPlan(plan, { [PANE_SHUFFLE_CONF]: 'true', [PANE_STATE_CONF]: 'false' }))).toBeUndefined();
    expect(checkpointPlan(plan, { [PANE_SHUFFLE_CONF]: 'true', [PANE_STATE_CONF]: 'true' }).reduceOps[1]).toBe(plan.reduceOps[1]);
  });
});
