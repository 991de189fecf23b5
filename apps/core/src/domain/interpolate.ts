/**
 * Linear interpolation in time between two known points, at time `t` with t0 <= t <= t1.
 * When t0 === t1 (cannot happen after de-duplication) the earlier value is returned.
 */
export function interpolateLinear(t0: number, v0: number, t1: number, v1: number, t: number): number {
  if (t1 === t0) return v0;
  return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
}

/**
 * Interpolation of an angle in degrees along the shorter arc, result in [0, 360). From 350 to 10
 * the path goes through 0, not through 180. Exactly opposite angles (a 180° difference) have no
 * shorter arc; the path then turns clockwise (increasing degrees).
 */
export function interpolateDirection(t0: number, d0: number, t1: number, d1: number, t: number): number {
  let delta = (((d1 - d0) % 360) + 360) % 360; // 0..360
  if (delta > 180) delta -= 360; // now -180 < delta <= 180
  const fraction = t1 === t0 ? 0 : (t - t0) / (t1 - t0);
  const value = (((d0 + delta * fraction) % 360) + 360) % 360;
  return value === 360 ? 0 : value;
}
