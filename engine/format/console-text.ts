/** The console sink's block for one micro-batch, as Spark's `ConsoleWrite` prints it. */

const RULE = '-'.repeat(43);

/**
 * Header lines, then the `showString` text and the newline `show()` adds when printing it (which
 * leaves a blank line after a table, none after an `only showing top N rows` trailer).
 */
export function consoleBatchText(batchId: number, showText: string): string {
  return `${RULE}\nBatch: ${batchId}\n${RULE}\n${showText}\n`;
}
