import { OperatorRegistry } from '../operator.js';
import { FinalAggregateExec } from './final-aggregate.js';
import { FilterExec, GenerateExec, ProjectExec } from './narrow.js';
import { DeduplicateExec, LimitExec, SortExec } from './ordering.js';
import { PaneAggregateExec } from './pane-aggregate.js';
import { PaneExpandExec } from './pane-expand.js';
import { PartialAggregateExec } from './partial-aggregate.js';
import { SplitAggregateExec } from './split-aggregate.js';
import { StatefulAggregateExec } from './stateful-aggregate.js';
import { TimeWindowExec } from './time-window.js';
import { WatermarkExec } from './watermark.js';
import { StreamStaticJoinExec } from '../join-operator.js';
import { WindowExec } from '../window-operator.js';

/** A registry with every built-in physical operator. */
export function builtinOperators(): OperatorRegistry {
  return new OperatorRegistry()
    .register(ProjectExec)
    .register(FilterExec)
    .register(GenerateExec)
    .register(TimeWindowExec)
    .register(WatermarkExec)
    .register(PartialAggregateExec)
    .register(PaneAggregateExec)
    .register(SplitAggregateExec)
    .register(PaneExpandExec)
    .register(FinalAggregateExec)
    .register(StatefulAggregateExec)
    .register(SortExec)
    .register(LimitExec)
    .register(DeduplicateExec)
    .register(WindowExec)
    .register(StreamStaticJoinExec);
}

export const defaultOperators = builtinOperators();
