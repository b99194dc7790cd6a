import { oneofNotSet } from '../../engine/connect/index.js';
import type { ConfigRequest__Output } from '../../proto/generated/spark/connect/ConfigRequest.js';
import type { KeyValue } from '../../proto/generated/spark/connect/KeyValue.js';
import { NoSuchElementError } from '../../engine/errors/errors.js';
import type { Session } from '../session/session.js';
import type { SessionConf } from '../session/session-conf.js';

export interface ConfigAnswer {
  readonly pairs: KeyValue[];
  readonly warnings: string[];
}

const pair = (key: string, value: string | undefined): KeyValue => (value === undefined ? { key } : { key, value });

/** Spark's `RuntimeConfig.get(key)`: the value (none for a known setting without one), else SQL_CONF_NOT_FOUND. */
function known(conf: SessionConf, key: string): string | undefined {
  if (!conf.isKnown(key)) throw NoSuchElementError.withClass('SQL_CONF_NOT_FOUND', { sqlConf: `"${key}"` });
  return conf.get(key);
}

/**
 * `spark.conf` and the client's hidden probes. Gets answer one pair per key in request order
 * (PySpark reads them by position). A plain `get` of a key Spark would not know (never set, no
 * default) fails with SQL_CONF_NOT_FOUND, as Spark's does; `get_with_default` and `get_option`
 * answer no value instead. Static settings are not changed by a silent set (PySpark's
 * getOrCreate); a loud one gets a warning.
 */
export function runConfig(session: Session, operation: ConfigRequest__Output['operation']): ConfigAnswer {
  if (!operation) throw oneofNotSet('spark.connect.ConfigRequest.Operation', 'op_type');
  const conf = session.conf;
  const warnings: string[] = [];
  switch (operation.op_type) {
    case 'set': {
      const set = operation.set;
      for (const p of set?.pairs ?? []) {
        if (!conf.isModifiable(p.key)) {
          if (set?.silent !== true) warnings.push(`Cannot modify the value of the static Spark config: ${p.key}.`);
          continue;
        }
        if (p.value === undefined || p.value === null) conf.unset(p.key, session.runtime.defaults);
        else conf.set(p.key, p.value);
      }
      return { pairs: [], warnings };
    }
    case 'get':
      return { pairs: (operation.get?.keys ?? []).map((k) => pair(k, known(conf, k))), warnings };
    case 'get_with_default':
      return {
        pairs: (operation.get_with_default?.pairs ?? []).map((p) => pair(p.key, conf.get(p.key) ?? p.value ?? undefined)),
        warnings,
      };
    case 'get_option':
      return { pairs: (operation.get_option?.keys ?? []).map((k) => pair(k, conf.get(k))), warnings };
    case 'get_all':
      return { pairs: conf.all(operation.get_all?.prefix ?? '').map(([k, v]) => pair(k, v)), warnings };
    case 'unset':
      for (const k of operation.unset?.keys ?? []) conf.unset(k, session.runtime.defaults);
      return { pairs: [], warnings };
    case 'is_modifiable':
      return {
        pairs: (operation.is_modifiable?.keys ?? []).map((k) => pair(k, conf.isModifiable(k) ? 'true' : 'false')),
        warnings,
      };
    case undefined:
      throw oneofNotSet('spark.connect.ConfigRequest.Operation', 'op_type');
    default: {
      const never: never = operation.op_type;
      return never;
    }
  }
}
