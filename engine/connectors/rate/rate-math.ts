/**
 * Spark's rate-source timeline: how many values exist after `seconds` seconds, ramping the speed
 * up linearly over `rampUpSeconds` (`rowsPerSecond / (rampUp + 1)` more each second, in whole rows:
 * Spark divides longs), then steady.
 */
export function valueAtSecond(seconds: number, rowsPerSecond: number, rampUpSeconds: number): number {
  const speedDeltaPerSecond = Math.floor(rowsPerSecond / (rampUpSeconds + 1));
  if (seconds <= rampUpSeconds) {
    // s·(s+1)/2 is a whole number; halve the even factor first, as Spark does.
    return seconds % 2 === 1 ? ((seconds + 1) / 2) * speedDeltaPerSecond * seconds : (seconds / 2) * speedDeltaPerSecond * (seconds + 1);
  }
  const rampUpPart = valueAtSecond(rampUpSeconds, rowsPerSecond, rampUpSeconds);
  return rampUpPart + (seconds - rampUpSeconds) * rowsPerSecond;
}
