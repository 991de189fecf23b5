import type { PipelineSummary } from '@windmill/core/read/pipeline-summary.read';

export function formatDemoSummary(
  s: PipelineSummary,
  urls: { api: string; board: string; user: string; password: string; token: string },
): string {
  const fixed = (n: number) => n.toFixed(3);
  const duplicates = s.files.duplicate ?? 0;
  const lines = [
    '',
    '=== Windmill demo: first statistics are in ===',
    `files     ${Object.entries(s.files)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
    // A database kept from an earlier run (DATABASE_URL set) already holds the generated content.
    ...(duplicates > 0
      ? [`          ${duplicates} duplicate: this database already held ${duplicates === 1 ? 'its' : 'their'} content, nothing added`]
      : []),
    `profiles  ${s.profiles.map((p) => `${p.profile ?? 'canonical layout'} ${p.files} file${p.files === 1 ? '' : 's'}`).join(', ')}`,
    `lines     ${s.rows.total} read: ${s.rows.loaded} loaded (${s.rows.imputed} with imputed values), ${s.rows.duplicate} duplicate, ${s.rows.rejected} rejected`,
    `rejected  ${
      Object.entries(s.rejectionsByReason)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    `turbines  ${s.turbines}, daily windows ${s.windows}`,
    `anomalies ${s.anomalies.reading} readings outside mean ± k·σ of their turbine-day, ${s.anomalies.turbine} turbine-days outside the fleet's band`,
    ...s.topTurbineAnomalies.map(
      (a) => `          turbine ${a.turbineName} on ${a.day}: mean ${fixed(a.mean)} vs fleet ${fixed(a.fleetMean)}`,
    ),
    `          ${s.anomalies.underperformance} turbine-days below the fleet's power curve (underperformance)`,
    ...s.topUnderperformance.map(
      (a) =>
        `          turbine ${a.turbineName} on ${a.day}: ${Math.round(a.ratio * 100)}% of the expected energy, ${a.lostEnergyMWh.toFixed(1)} MWh lost`,
    ),
    '',
    `API        ${urls.api}            (try: curl ${urls.api}/turbines/1/stats)`,
    `Dashboard  ${urls.api}/#/turbine/${encodeURIComponent(s.topUnderperformance[0]?.turbineName ?? '1')}   (the power curve: wind speed against power)`,
    `API docs   ${urls.api}/docs`,
    `Bull Board ${urls.board}   user ${urls.user}  password ${urls.password}`,
    `API token  ${urls.token}   (actions: curl -X POST -H 'Authorization: Bearer ${urls.token}' ${urls.api}/stats/run)`,
    '',
    'Drop more CSV files into the inbox to see them loaded. Ctrl-C stops the demo.',
    '',
  ];
  return lines.join('\n');
}
