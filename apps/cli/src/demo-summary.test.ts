import type { PipelineSummary } from '@windmill/core/read/pipeline-summary.read';
import { formatDemoSummary } from './demo-summary.js';

describe('the demo summary', () => {
  it('prints the API token beside the board password, with a command that uses it', () => {
    const summary: PipelineSummary = {
      files: { done: 30, failed: 1 },
      profiles: [
        { profile: 'kelmarsh', files: 1 },
        { profile: null, files: 30 },
      ],
      rows: { total: 10, loaded: 8, imputed: 1, duplicate: 1, rejected: 1 },
      rejectionsByReason: { column_count: 1 },
      turbines: 20,
      windows: 600,
      anomalies: { reading: 3, turbine: 2, underperformance: 1 },
      topTurbineAnomalies: [{ turbineId: -1, turbineName: 'Kelmarsh 1', day: '2022-03-20', mean: 1.5, fleetMean: 2.5 }],
      topUnderperformance: [{ turbineId: 7, turbineName: '7', day: '2022-03-26', ratio: 0.74, lostEnergyMWh: 9.5 }],
    };
    const text = formatDemoSummary(summary, {
      api: 'http://127.0.0.1:5007',
      board: 'http://127.0.0.1:5007/admin/queues',
      user: 'admin',
      password: 'board-pw',
      token: 'demo-token-0123456789ab',
    });
    expect(text).toContain('password board-pw');
    expect(text).toContain('profiles  kelmarsh 1 file, canonical layout 30 files');
    expect(text).toContain('turbine Kelmarsh 1 on 2022-03-20: mean 1.500 vs fleet 2.500');
    expect(text).toContain("curl -X POST -H 'Authorization: Bearer demo-token-0123456789ab' http://127.0.0.1:5007/stats/run");
  });
});
