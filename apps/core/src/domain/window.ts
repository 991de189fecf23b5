/**
 * Start of the half-open window `[start, start + windowSeconds)` that holds `epochMs`. Windows are
 * aligned to multiples of `windowSeconds` since the Unix epoch, so 86400 gives UTC calendar days.
 * Instants before 1970 floor towards minus infinity, like the SQL side.
 */
export function windowStartMs(epochMs: number, windowSeconds: number): number {
  const windowMs = windowSeconds * 1000;
  return Math.floor(epochMs / windowMs) * windowMs;
}
