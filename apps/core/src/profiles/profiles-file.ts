import { readFileSync } from 'node:fs';
import { parseInputProfiles, ProfileError, type InputProfile } from './input-profile.js';

/**
 * Reads and validates the INPUT_PROFILES file at start-up: the profiles, or the problems, each a
 * line naming the profile and the field. Synchronous, as the rest of the configuration is read.
 */
export function readProfilesFile(file: string): { ok: true; profiles: InputProfile[] } | { ok: false; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, problems: [`not valid JSON (${(error as Error).message})`] };
  }
  try {
    return { ok: true, profiles: parseInputProfiles(json) };
  } catch (error) {
    if (error instanceof ProfileError) return { ok: false, problems: error.problems };
    throw error;
  }
}
