import type { LedgerRow } from '@windmill/core/ingest/ingested-file.repository';
import { describeFileOutcome } from './demo-feed.js';

const row = (over: Partial<LedgerRow>): LedgerRow => ({
  id: 7,
  path: '/data/inbox/day-31.csv',
  status: 'done',
  error: null,
  finalPath: '/data/processed/day-31.csv',
  moveError: null,
  duplicateOfId: null,
  sizeBytes: 19_044,
  sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  counts: { rowsTotal: 482, rowsLoaded: 478, rowsImputed: 12, rowsDuplicate: 1, rowsRejected: 3 },
  ...over,
});

describe("the demo's line per file", () => {
  const api = 'http://127.0.0.1:5007';

  it('tells a loaded file with its counts and its dashboard link', () => {
    expect(describeFileOutcome(row({}), api)).toBe(
      'loaded     day-31.csv: 482 lines, 478 loaded (12 with imputed values), 1 duplicate, 3 rejected  http://127.0.0.1:5007/#/files/7/rejections',
    );
  });

  it('tells a duplicate and a failed file with the reason and where it went', () => {
    expect(describeFileOutcome(row({ status: 'duplicate', duplicateOfId: 3 }), api)).toMatch(
      /^duplicate {2}day-31\.csv: same content as file #3/,
    );
    const failed = describeFileOutcome(row({ status: 'failed', error: 'the file is empty', finalPath: '/data/failed/day-31.csv' }), api);
    expect(failed).toMatch(/^failed {5}day-31\.csv: the file is empty \(moved to \/data\/failed\/day-31\.csv\)/);
  });
});
