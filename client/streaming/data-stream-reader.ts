import { DataSourceReader } from '../data-source-reader.js';
import type { DataFrame, DataFrameSession } from '../dataframe.js';

/** `spark.readStream`: a streaming Read relation (data source or table); the schema as `""` when unset. */
export class DataStreamReader extends DataSourceReader {
  constructor(session: DataFrameSession) {
    super(session, true);
  }

  load(path?: string): DataFrame {
    return this.loadPaths(path === undefined ? [] : [path]);
  }

  text(path: string): DataFrame {
    return this.format('text').load(path);
  }
}
