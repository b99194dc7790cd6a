let next = 0;

/**
 * A fresh relation plan id. One counter for the whole process, starting at 0, as PySpark's:
 * `df.col(name)` carries its DataFrame's top id so the server can resolve it in that subtree.
 */
export function nextPlanId(): number {
  return next++;
}
