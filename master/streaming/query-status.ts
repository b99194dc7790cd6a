/** Spark's StreamingQueryStatus plus whether the query is active. */
export interface QueryStatus {
  readonly message: string;
  readonly isDataAvailable: boolean;
  readonly isTriggerActive: boolean;
  readonly isActive: boolean;
}

export const STATUS = Object.freeze({
  initializing: 'Initializing sources',
  gettingOffsets: (source: string) => `Getting offsets from ${source}`,
  writingOffsets: 'Writing offsets to log',
  processing: 'Processing new data',
  noDataCleanup: 'No new data but cleaning up state',
  waitingForData: 'Waiting for data to arrive',
  waitingForTrigger: 'Waiting for next trigger',
  stopped: 'Stopped',
  failed: (message: string) => `Terminated with exception: ${message}`,
});
