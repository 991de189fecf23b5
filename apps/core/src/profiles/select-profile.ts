import { minimatch } from 'minimatch';
import type { InputProfile } from './input-profile.js';

/**
 * The profile a file is read with: the first whose `match` accepts `relativePath` (the path
 * relative to the watched folder, `/`-separated; for `npm run ingest`, relative to the folder
 * argument, or a file argument's bare name), or null for the canonical layout. Globs take `*`,
 * `**`, `?` and `[...]`, case-insensitively; a glob without a `/` also matches the bare name in
 * any subfolder, as a user who writes `Turbine_Data_*.csv` expects.
 */
export function selectProfile(relativePath: string, profiles: readonly InputProfile[]): InputProfile | null {
  const normalized = relativePath.split(/[\\/]+/).join('/');
  for (const profile of profiles) {
    if (profile.match.some((glob) => minimatch(normalized, glob, { nocase: true, dot: false, matchBase: !glob.includes('/') }))) {
      return profile;
    }
  }
  return null;
}
