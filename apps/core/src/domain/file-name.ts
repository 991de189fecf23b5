/**
 * Which file names Windmill ingests: `.csv` in any case; never hidden files or the names that
 * downloaders and editors give to partly written files.
 */
export function isIngestibleFileName(name: string): boolean {
  if (name.startsWith('.')) return false;
  const lower = name.toLowerCase();
  if (lower.endsWith('.tmp') || lower.endsWith('.part') || lower.endsWith('.crdownload')) return false;
  return lower.endsWith('.csv');
}
