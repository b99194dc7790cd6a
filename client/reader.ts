import { DataSourceReader } from './data-source-reader.js';
import type { DataFrame, DataFrameSession } from './dataframe.js';

/** `spark.read`: a batch Read relation (data source or table). Lazy: no RPC until an action. */
export class DataFrameReader extends DataSourceReader {
  constructor(session: DataFrameSession) {
    super(session, false);
  }

  load(...paths: string[]): DataFrame {
    return this.loadPaths(paths);
  }

  text(...paths: string[]): DataFrame {
    return this.format('text').load(...paths);
  }
}
