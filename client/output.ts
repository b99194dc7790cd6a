/** Where `show()`, `printSchema()` and `explain()` print; the default writes to stdout. */
export type OutputWriter = (text: string) => void;

export const stdoutWriter: OutputWriter = (text) => {
  process.stdout.write(text);
};
