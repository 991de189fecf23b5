// The benchmark's pure helpers (test/bench/ itself is outside jest's reach: '/bench/' is ignored).
import { dataMonths, percentile, requestPaths, summariseLatencies } from './bench/api-requests.js';
import { parseBenchArgs, parseCount, UsageError } from './bench/bench-args.js';
import { diskNeeds } from './bench/bench-disk.js';
import { fileLoads, growth, growthSegmentRows, statsRuns, sumBreakdown } from './bench/load-log.js';
import {
  checkTargets,
  compactCount,
  median,
  medianIndex,
  ratio,
  type ApiSummary,
  type IngestRun,
  type RssPeak,
  type WatcherSummary,
} from './bench/report.js';
import { formatMs, formatSeconds, formatTable, wideRows } from './bench/report-format.js';
import { WIDE_PROFILES, wideGeneratorOptions } from './bench/wide-data.js';
import { summariseWide, type WideDataSummary } from './bench/wide-report.js';
import { wideIngestNotes } from './bench/wide.stage.js';

const loadLine = (time: number, rows: number, ms: number, extra: Record<string, number> = {}) =>
  JSON.stringify({
    level: 30,
    time,
    msg: 'file loaded',
    file: `f${time}.csv`,
    rowsTotal: rows,
    rowsLoaded: rows,
    ms,
    fingerprintMs: 1,
    streamMs: ms - 2,
    applyMs: 1,
    ...extra,
  });

describe('median and friends', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('points at the run holding the (lower) median', () => {
    expect(medianIndex([30, 10, 20])).toBe(2);
    expect(medianIndex([40, 10, 30, 20])).toBe(3);
    expect(medianIndex([])).toBe(-1);
  });

  it('divides only by a positive figure', () => {
    expect(ratio(6, 2)).toBe(3);
    expect(ratio(6, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
  });

  it('writes counts compactly', () => {
    expect(compactCount(950)).toBe('950');
    expect(compactCount(201_999)).toBe('202 k');
    expect(compactCount(10_000_000)).toBe('10 M');
  });
});

describe('the product log lines', () => {
  const lines = [
    'npm warn something',
    loadLine(10_000, 100, 1000),
    '{"msg":"loading file","lines":5}',
    loadLine(11_000, 100, 1000, { waitMs: 7 }),
    loadLine(13_000, 100, 2000),
    loadLine(15_000, 100, 2000),
    '{"level":30,"time":16000,"msg":"stats run done","durationMs":420,"windowsComputed":8400,"full":true,"trigger":"cli"}',
    '{ not json',
  ];

  it('sums every part the loader reports, new ones included, and the wall span', () => {
    const sum = sumBreakdown(fileLoads(lines));
    expect(sum).toEqual({
      files: 4,
      rows: 400,
      ms: 6000,
      wallMs: 6000,
      parts: { fingerprintMs: 4, streamMs: 5992, applyMs: 4, waitMs: 7 },
    });
  });

  it('compares the first rows with the last by wall clock', () => {
    const g = growth(fileLoads(lines), 150)!;
    expect(g.first).toEqual({ files: 2, rows: 200, ms: 2000, rowsPerSec: 100 });
    expect(g.last).toEqual({ files: 2, rows: 200, ms: 4000, rowsPerSec: 50 });
    expect(g.slowdown).toBeCloseTo(1);
  });

  it('takes half the rows a side when there are fewer than two segments, and needs two files', () => {
    expect(growth(fileLoads(lines), 1_000_000)!.segmentRows).toBe(200);
    expect(growth(fileLoads(lines).slice(0, 1), 100)).toBeNull();
  });

  it('reads the stats run', () => {
    expect(statsRuns(lines)).toEqual([{ time: 16_000, durationMs: 420, windowsComputed: 8400, full: true, trigger: 'cli' }]);
  });
});

describe('targets', () => {
  const rss = (largestMb: number): RssPeak => ({ largestMb, process: 'node x.ts', treeMb: largestMb, samples: 1 });
  const run = { rss: rss(200), growth: growth(fileLoads([loadLine(1000, 10, 1000), loadLine(2100, 10, 1100)]), 10) } as IngestRun;

  it('judges each measured figure and leaves the others open', () => {
    const checks = checkTargets({
      ingest: { runs: [run], medianRun: 0, medianMs: 10, rowsPerSec: 1, ratioToCeiling: 7.5, filesToFastCsv: 1.4 },
      watcher: null,
      stats: {
        full: { durationMs: 1, wallMs: 1, windows: 1 },
        append: { lines: 1, loadMs: 1, durationMs: 400, windows: 1, full: false },
        rss: rss(320),
      },
    });
    expect(checks.map((c) => [c.measured, c.met])).toEqual([
      ['7.50x', false],
      ['1.40x', true],
      ['not measured', null],
      ['not measured', null],
      ['320 MB', false],
      ['not measured', null],
      ['400 ms', true],
      ['+10.0 %', true],
      ['not measured', null],
      ['not measured', null],
      ['not measured', null],
    ]);
  });

  it('holds npm start, every app in one process, to its own memory bound', () => {
    const ingest = { runs: [run], medianRun: 0, medianMs: 10, rowsPerSec: 1, ratioToCeiling: 5, filesToFastCsv: 1 };
    const judged = (watcherMb: number) =>
      checkTargets({ ingest, watcher: { ratioToOneShot: 1.2, rss: rss(watcherMb) } as WatcherSummary, stats: null }).filter((c) =>
        c.name.startsWith('peak RSS'),
      );
    expect(judged(350).map((c) => [c.name, c.measured, c.met])).toEqual([
      ['peak RSS, ingest and single-app processes', '200 MB', true],
      ['peak RSS, all-in-one npm start', '350 MB', true],
    ]);
    expect(judged(401).map((c) => c.met)).toEqual([true, false]);
  });

  it('judges the p99 of each API read', () => {
    const latency = (p99Ms: number) => ({ requests: 200, errors: 0, p50Ms: 1, p95Ms: 2, p99Ms, maxMs: p99Ms, meanMs: 1, meanItems: 30 });
    const api: ApiSummary = {
      requests: 200,
      warmUp: 5,
      routes: [
        { route: 'GET /turbines', example: '/turbines', ...latency(12.34) },
        { route: 'GET /turbines/:id/stats', example: '/turbines/1/stats', ...latency(99.9) },
        { route: 'GET /anomalies', example: '/anomalies?turbine=1', ...latency(100) },
      ],
      concurrent: { route: 'GET /turbines', connections: 20, requestsPerSec: 500, ...latency(40) },
      rss: rss(120),
    };
    const checks = checkTargets({ ingest: null, watcher: null, stats: null, api }).slice(-3);
    expect(checks).toEqual([
      { name: 'GET /turbines: p99', measured: '12.3 ms', target: '< 100 ms', met: true },
      { name: 'GET /turbines/:id/stats, one month: p99', measured: '99.9 ms', target: '< 100 ms', met: true },
      { name: 'GET /anomalies, one month: p99', measured: '100.0 ms', target: '< 100 ms', met: false },
    ]);
  });
});

describe('the api stage', () => {
  const shape = { turbines: 200, start: '2020-01-01', days: 209 };

  it('asks for the calendar months that hold data', () => {
    const months = dataMonths(shape);
    expect(months).toHaveLength(7); // 2020-01-01 .. 2020-07-27
    expect(months[0]).toEqual({ from: '2020-01-01T00:00:00.000Z', to: '2020-02-01T00:00:00.000Z' });
    expect(months.at(-1)).toEqual({ from: '2020-07-01T00:00:00.000Z', to: '2020-08-01T00:00:00.000Z' });
  });

  it('spreads the requests over the turbines and the months', () => {
    const paths = requestPaths('GET /turbines/:id/stats', shape, 200);
    expect(paths).toHaveLength(200);
    expect(paths[0]).toBe('/turbines/1/stats?from=2020-01-01T00%3A00%3A00.000Z&to=2020-02-01T00%3A00%3A00.000Z');
    expect(paths[1]).toMatch(/^\/turbines\/98\/stats\?from=2020-01-01/);
    expect(paths[199]).toMatch(/from=2020-07-01/);
    expect(new Set(paths.map((p) => p.split('/')[2])).size).toBe(200);
    expect(requestPaths('GET /anomalies', shape, 2)[1]).toBe(
      '/anomalies?turbine=98&from=2020-04-01T00%3A00%3A00.000Z&to=2020-05-01T00%3A00%3A00.000Z',
    );
    expect(requestPaths('GET /turbines', shape, 3)).toEqual(['/turbines', '/turbines', '/turbines']);
  });

  it('takes nearest-rank percentiles', () => {
    const times = Array.from({ length: 200 }, (_, i) => i + 1); // 1..200 ms
    expect(percentile(times, 50)).toBe(100);
    expect(percentile(times, 99)).toBe(198);
    expect(percentile([5], 99)).toBe(5);
    expect(summariseLatencies(times, 2)).toMatchObject({ requests: 200, errors: 2, p95Ms: 190, maxMs: 200, meanMs: 100.5 });
    expect(formatMs(3.14159)).toBe('3.1 ms');
    expect(formatMs(123.4)).toBe('123 ms');
  });
});

describe('scale', () => {
  it('compares the first and last tenth of the rows, at least a million', () => {
    expect(growthSegmentRows(1_000_000)).toBe(1_000_000);
    expect(growthSegmentRows(10_000_000)).toBe(1_000_000);
    expect(growthSegmentRows(100_000_000)).toBe(10_000_000);
  });

  it('estimates the disk a run needs', () => {
    const none = new Set<never>();
    const gb = (bytes: number) => Math.round(bytes / 1e9);
    const full = diskNeeds(100_000_000, none, { dataCached: false, keep: false });
    expect({ output: gb(full.output), database: gb(full.database) }).toEqual({ output: 7, database: 25 });
    const lean = diskNeeds(100_000_000, new Set(['watcher'] as const), { dataCached: true, keep: false });
    expect({ output: gb(lean.output), database: gb(lean.database) }).toEqual({ output: 0, database: 13 });
  });

  it('adds the wide set: ~2.2 KB of CSV a line unless cached, and its database, one per repeat with --keep', () => {
    const mb = (bytes: number) => Math.round(bytes / 1e6);
    const skip = new Set(['watcher', 'ceiling'] as const);
    const base = diskNeeds(1_000_000, skip, { dataCached: true, keep: false });
    const wide = { lines: 1_000_000, cached: false, repeat: 3 };
    const withWide = diskNeeds(1_000_000, skip, { dataCached: true, keep: false, wide });
    expect({ output: mb(withWide.output - base.output), database: mb(withWide.database - base.database) }).toEqual({
      output: 2200,
      database: 125,
    });
    const kept = diskNeeds(1_000_000, skip, { dataCached: true, keep: true, wide: { ...wide, cached: true } });
    expect({ output: mb(kept.output), database: mb(kept.database - base.database) }).toEqual({ output: 0, database: 375 });
    expect(diskNeeds(1_000_000, new Set([...skip, 'wide'] as const), { dataCached: true, keep: false, wide })).toEqual(base);
  });
});

describe('formatting', () => {
  it('pads columns and aligns the numeric ones right', () => {
    expect(
      formatTable(
        ['a', 'n'],
        [
          ['xyz', '1'],
          ['b', '22'],
        ],
        [1],
      ),
    ).toBe('a     n\n---  --\nxyz   1\nb    22');
  });

  it('picks a precision by magnitude', () => {
    expect(formatSeconds(456)).toBe('0.456 s');
    expect(formatSeconds(1234)).toBe('1.23 s');
    expect(formatSeconds(98_765)).toBe('98.8 s');
  });
});

describe('parseBenchArgs', () => {
  it('defaults to 1 M rows over 200 turbines in files of about 50 k', () => {
    const parsed = parseBenchArgs([]);
    if (parsed.help) throw new Error('unexpected help');
    expect(parsed.options).toMatchObject({ rows: 1_000_000, turbines: 200, days: 209, files: 20, repeat: 1, keep: false });
  });

  it('sizes the wide set with --wide-rows (1 M by default) and skips it with --skip wide', () => {
    const parse = (argv: string[]) => {
      const parsed = parseBenchArgs(argv);
      if (parsed.help) throw new Error('unexpected help');
      return parsed.options;
    };
    expect(parse([]).wideRows).toBe(1_000_000);
    expect(parse(['--wide-rows', '50k']).wideRows).toBe(50_000);
    expect(parse(['--wide-rows', '2M', '--skip', 'wide']).skip).toEqual(new Set(['wide']));
    expect(() => parseBenchArgs(['--wide-rows', 'lots'])).toThrow(/--wide-rows/);
  });

  it('reads counts with suffixes and stages to skip', () => {
    expect(parseCount('10M')).toBe(10_000_000);
    expect(parseCount('200k')).toBe(200_000);
    expect(parseCount('1e6')).toBe(1_000_000);
    expect(parseCount('-3')).toBeNull();
    const parsed = parseBenchArgs(['--', '--rows', '200k', '--skip', 'watcher,stats', '--skip', 'ceiling', '--repeat', '3', '--keep']);
    if (parsed.help) throw new Error('unexpected help');
    expect([...parsed.options.skip].sort()).toEqual(['ceiling', 'stats', 'watcher']);
    expect(parsed.options).toMatchObject({ rows: 200_000, files: 4, repeat: 3, keep: true });
  });

  it('names the bad flag', () => {
    expect(() => parseBenchArgs(['--skip', 'everything'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--rows', 'many'])).toThrow(/--rows/);
    expect(() => parseBenchArgs(['--rows', '1000', '--files', '5'])).toThrow(/--files/);
    expect(() => parseBenchArgs(['--bogus'])).toThrow(UsageError);
  });
});

describe('the wide set', () => {
  it('spreads the lines over 20 turbines of ten-minute data, a file per turbine and year at most', () => {
    expect(wideGeneratorOptions(1_000_000, 's')).toMatchObject({
      turbines: 20,
      days: 348, // 20 x 144 x 348 = 1 002 240 lines, a turbine-year of ~50 k lines per file
      intervalSeconds: 600,
      by: 'day',
      files: 1,
      layout: 'greenbyte',
    });
    expect(wideGeneratorOptions(50_000, 's')).toMatchObject({ days: 18, files: 1 });
    expect(wideGeneratorOptions(3_000_000, 's')).toMatchObject({ days: 1042, files: 3 });
    expect(WIDE_PROFILES.profiles).toEqual([{ name: 'greenbyte', match: 'Turbine_Data_*.csv', preset: 'greenbyte' }]);
  });

  const data: WideDataSummary = {
    dir: 'bench-output/data/wide/greenbyte',
    layout: 'greenbyte',
    files: 20,
    lines: 100_000,
    bytes: 214 * 1024 * 1024,
    columns: 303,
    turbines: 20,
    days: 35,
    intervalSeconds: 600,
    start: '2020-01-01',
    seed: 'windmill-bench',
    generatedMs: null,
    messiness: {},
  };
  const rss = (largestMb: number, treeMb = largestMb): RssPeak => ({ largestMb, process: `node ${largestMb}`, treeMb, samples: 10 });
  const breakdown = (wallMs: number) => ({
    files: 20,
    rows: 100_000,
    ms: wallMs * 2,
    wallMs,
    parts: { streamMs: wallMs * 1.8, commitMs: wallMs * 0.2 },
  });
  const ingestRun = (wallMs: number, filesMs: number, peakMb: number, treeMb = peakMb): IngestRun => ({
    wallMs,
    exitCode: 0,
    startupMs: 1500,
    otherMs: 200,
    growth: null,
    database: { readings: 99_000, rowsTotal: 100_000, rowsRejected: 100, rowsDuplicate: 200, filesDone: 20, filesFailed: 0 },
    breakdown: breakdown(filesMs),
    stats: { durationMs: 300, windows: 700 },
    rss: rss(peakMb, treeMb),
  });

  it('takes the median files stage over the median fast-csv alone, and the largest peak of the runs', () => {
    const wide = summariseWide(
      data,
      [
        { ms: 10_000, rows: 100_200 },
        { ms: 12_000, rows: 100_200 },
        { ms: 11_000, rows: 100_200 },
      ],
      [ingestRun(20_000, 14_000, 250, 400), ingestRun(19_000, 13_200, 280, 300), ingestRun(21_000, 15_000, 260, 300)],
      2,
      'fast-csv',
    );
    expect(wide.fastCsv).toMatchObject({ threads: 2, medianMs: 11_000, runsMs: [10_000, 12_000, 11_000], rows: 100_200 });
    expect(wide.ingest).toMatchObject({
      medianRun: 0,
      medianMs: 20_000,
      rowsPerSec: 5000,
      filesMs: [14_000, 13_200, 15_000],
      filesMedianMs: 14_000,
      rss: { largestMb: 280, process: 'node 280', treeMb: 400, samples: 30 },
    });
    expect(wide.ingest!.filesToFastCsv).toBeCloseTo(14 / 11);
  });

  it('leaves out what did not run, and the ratio without fast-csv alone', () => {
    expect(summariseWide(data, [], [], 2, 'fast-csv')).toEqual({ data, fastCsv: null, ingest: null });
    expect(summariseWide(data, [], [ingestRun(20_000, 14_000, 250)], 2, 'fast-csv').ingest!.filesToFastCsv).toBeNull();
  });

  it('is judged against 1.3x fast-csv alone, and its ingest against the peak RSS bound', () => {
    const judged = (filesMs: number, peakMb: number) =>
      checkTargets({
        ingest: null,
        watcher: null,
        stats: null,
        wide: summariseWide(data, [{ ms: 10_000, rows: 1 }], [ingestRun(20_000, filesMs, peakMb)], 2, 'fast-csv'),
      })
        .filter((c) => c.name.startsWith('wide') || c.name.startsWith('peak RSS, ingest'))
        .map((c) => [c.name, c.measured, c.target, c.met]);
    expect(judged(13_000, 290)).toEqual([
      ['wide files stage / fast-csv alone', '1.30x', '<= 1.3x', true],
      ['peak RSS, ingest and single-app processes', '290 MB', '<= 300 MB', true],
    ]);
    expect(judged(13_100, 310).map((c) => c[3])).toEqual([false, false]);
    expect(checkTargets({ ingest: null, watcher: null, stats: null }).find((c) => c.name.startsWith('wide'))).toMatchObject({
      measured: 'not measured',
      met: null,
    });
  });

  it('prints its data, fast-csv alone, the ingest with its files stage and where the files went', () => {
    const wide = summariseWide(data, [{ ms: 10_000, rows: 100_200 }], [ingestRun(20_000, 12_500, 250)], 2, 'fast-csv');
    expect(wideRows(wide)).toEqual([
      ['wide data: greenbyte layout', '', '', '100,000 lines of 303 columns, 20 files, 214.0 MB; reused', ''],
      ['wide: fast-csv alone', '10.0 s', '10 k/s', '2 threads, parsing only', ''],
      ['wide: npm run ingest, INPUT_PROFILES', '20.0 s', '5 k/s', 'greenbyte preset; start-up 1.50 s, stats run 0.300 s', '250 MB'],
      ['  files, first start to last commit', '12.5 s', '8 k/s', '20 files; 1.25x fast-csv alone', ''],
      ['    stream: parse, clean, COPY (sum)', '22.5 s', '', "90 % of the files' time", ''],
      ['    commit (sum)', '2.50 s', '', "10 % of the files' time", ''],
    ]);
  });

  it('notes what a user would check after the ingest', () => {
    const run = { exitCode: 0, database: { rowsTotal: 100, filesFailed: 0 } } as IngestRun;
    expect(wideIngestNotes(run, 100, 1)).toEqual([]);
    expect(wideIngestNotes({ ...run, exitCode: 1, database: { ...run.database, rowsTotal: 90, filesFailed: 2 } }, 100, 2)).toEqual([
      'wide ingest run 2: npm run ingest exited with code 1',
      'wide ingest run 2: 2 files failed',
      'wide ingest run 2: the ledger counts 90 lines, the files hold 100',
    ]);
  });
});
