/**
 * `npm run deploy -- --env staging` / `npm run diff -- --env production`: the pinned CDK CLI for one
 * environment's stack and the account and region stacks it depends on (CDK deploys those first).
 * The app itself refuses missing or placeholder accounts; this only narrows it to one environment.
 */
import { spawnSync } from 'node:child_process';
import { InfraConfigError } from '../config.ts';
import { ENVIRONMENT_NAMES, loadEnvironments } from '../environments.ts';

const [command, ...rest] = process.argv.slice(2);
const envIndex = rest.indexOf('--env');
const envName = envIndex >= 0 ? rest[envIndex + 1] : undefined;
const passThrough = envIndex >= 0 ? rest.filter((_, i) => i !== envIndex && i !== envIndex + 1) : rest;
if (
  (command !== 'deploy' && command !== 'diff') ||
  !(ENVIRONMENT_NAMES as readonly string[]).includes(envName ?? '')
) {
  process.stderr.write(
    `usage: npm run ${command ?? 'deploy'} -- --env ${ENVIRONMENT_NAMES.join('|')} [cdk options]\n`,
  );
  process.exit(2);
}
// Only this environment (and its account and region stacks) needs an account id.
const env = { ...process.env, AGENTICAI_ENVIRONMENTS: envName! };
try {
  loadEnvironments(env);
} catch (error) {
  if (!(error instanceof InfraConfigError)) throw error;
  process.stderr.write(`invalid configuration: ${error.message}\n`);
  process.exit(2);
}
const result = spawnSync(
  'npx',
  ['--no-install', 'cdk', command, `agenticai-${envName}`, '--no-notices', ...passThrough],
  { stdio: 'inherit', env: { ...env, CDK_DISABLE_CLI_TELEMETRY: 'true' } },
);
process.exit(result.status ?? 1);
