import type { FunctionRegistry } from '../functions/registry.js';
import type { SourceSpec } from '../plan/analyzed-plan.js';
import type { Schema } from '../types/schema.js';
import type { Catalog } from './catalog.js';

/** Session settings analysis depends on. */
export interface AnalyzerConf {
  readonly timeZone: string;
  readonly ansi: boolean;
}

export interface AnalyzerContext {
  readonly catalog: Catalog;
  readonly registry: FunctionRegistry;
  readonly conf: AnalyzerConf;
  /** The schema a data source produces, without starting it (raises AnalysisError for bad options). */
  sourceSchema(spec: SourceSpec, streaming: boolean): Schema;
}
