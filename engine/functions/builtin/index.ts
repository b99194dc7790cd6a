import { FunctionRegistry } from '../registry.js';
import { AGGREGATES } from './aggregates.js';
import { EXTRA_AGGREGATES } from './aggregates-extra.js';
import { COLLECTION_FUNCTIONS } from './collections.js';
import { CONDITIONALS } from './conditional.js';
import { DATETIME_FUNCTIONS } from './datetime.js';
import { DATETIME_FIELD_FUNCTIONS } from './datetime-fields.js';
import { FORMAT_FUNCTIONS } from './format-string.js';
import { GENERATORS } from './generators.js';
import { HIGHER_ORDER_FUNCTIONS } from './higher-order.js';
import { intervalAdd, makeInterval } from './interval-arithmetic.js';
import { JSON_FUNCTIONS } from './json.js';
import { MATH_FUNCTIONS } from './math.js';
import { MISC_FUNCTIONS } from './misc.js';
import { OPERATORS } from './operators.js';
import { PREDICATES } from './predicates.js';
import { REGEXP_FUNCTIONS } from './regexp.js';
import { STRING_FUNCTIONS } from './strings.js';

/**
 * Every built-in function, registered under the names Spark (and the PySpark Connect client) use.
 * `window` / `session_window` are deliberately absent: the analyzer plans time windows itself.
 */
export function builtinRegistry(): FunctionRegistry {
  const registry = new FunctionRegistry();
  for (const group of [OPERATORS, PREDICATES, CONDITIONALS, STRING_FUNCTIONS, FORMAT_FUNCTIONS, REGEXP_FUNCTIONS, MATH_FUNCTIONS, DATETIME_FUNCTIONS, COLLECTION_FUNCTIONS, DATETIME_FIELD_FUNCTIONS, MISC_FUNCTIONS, HIGHER_ORDER_FUNCTIONS, JSON_FUNCTIONS]) {
    for (const fn of group) registry.registerScalar(fn);
  }
  registry.registerScalar(intervalAdd);
  registry.registerScalar(makeInterval);
  for (const fn of GENERATORS) registry.registerGenerator(fn);
  for (const fn of [...AGGREGATES, ...EXTRA_AGGREGATES]) registry.registerAggregate(fn);
  return registry;
}

/** A shared registry of the built-ins (treat as read-only; build your own to add functions). */
export const defaultRegistry: FunctionRegistry = builtinRegistry();
