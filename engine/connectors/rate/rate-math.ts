/**
 * Spark's rate-source timeline: how many values exist after `seconds` seconds, ramping the speed
 * up linearly over `rampUpSeconds` (`rowsPerSecond / (rampUp + 1)` more each second), then steady.
 */
export function valueAtSecond(seconds: number, rowsPerSecond: number, rampUpSeconds: number): number {
  const speedDeltaPerSecond = rowsPerSecond / (rampUpSeconds + 1);
  if (seconds <= rampUpSeconds) {
    return Math.floor(((seconds * (seconds + 1)) / 2) * speedDeltaPerSecond);
  }
  const rampUpPart = valueAtSecond(rampUpSeconds, rowsPerSecond, rampUpSeconds);
  return rampUpPart + (seconds - rampUpSeconds) * rowsPerSecond;
}
