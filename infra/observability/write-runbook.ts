import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../app.ts';
import { loadEnvironments } from '../environments.ts';
import { Monitoring } from './monitoring.ts';
import { renderRunbook } from './runbook.ts';

/**
 * The runbook from the CDK app as it would deploy: each environment's configuration and the alarms
 * its Monitoring construct rendered. Lambda bundling is skipped (nothing is synthesized), and the
 * placeholder configuration is used so the output never depends on the machine's environment.
 */
export function generateRunbook(): string {
  const saved = { ...process.env };
  try {
    for (const key of Object.keys(process.env)) if (key.startsWith('AGENTICAI_')) delete process.env[key];
    process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:bundling-stacks': [] });
    const environments = loadEnvironments(process.env, { offline: true });
    const { app, canaries } = buildApp(environments);
    const monitors = app.node.findAll().filter((c): c is Monitoring => c instanceof Monitoring);
    return renderRunbook(
      environments.map((config) => ({
        config,
        alarms: [
          ...monitors
            .filter((m) => m.envName === config.name)
            .flatMap((m) => m.alarms.map((a) => a.rendered)),
          // R11.5: the alarms of the environment's canary stacks in its other regions.
          ...canaries
            .filter((c) => c.envName === config.name)
            .flatMap((c) => [c.alarm.rendered, c.deliveryDlqAlarm.rendered]),
        ],
      })),
      readdirSync(SECTIONS_DIR)
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => readFileSync(join(SECTIONS_DIR, f), 'utf8')),
    );
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

export const RUNBOOK_PATH = join(import.meta.dirname, '../../docs/RUNBOOK.md');
/** Hand-written runbook sections (procedures that are not alarm or configuration data). */
export const SECTIONS_DIR = join(import.meta.dirname, '../../docs/runbook');

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(RUNBOOK_PATH, generateRunbook());
  console.log(`wrote ${RUNBOOK_PATH}`);
}
