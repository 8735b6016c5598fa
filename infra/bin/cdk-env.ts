/**
 * `npm run deploy -- --env staging` / `npm run diff -- --env production`: the pinned CDK CLI for one
 * environment's stack. Refuses placeholder account ids (set AGENTICAI_ACCOUNT_<ENV>).
 */
import { spawnSync } from 'node:child_process';
import { InfraConfigError } from '../config.ts';
import { loadEnvironments, PLACEHOLDER_ACCOUNT } from '../environments.ts';

const [command, ...rest] = process.argv.slice(2);
const envIndex = rest.indexOf('--env');
const envName = envIndex >= 0 ? rest[envIndex + 1] : undefined;
const passThrough = rest.filter((_, i) => i !== envIndex && i !== envIndex + 1);
let environments: ReturnType<typeof loadEnvironments>;
try {
  environments = loadEnvironments();
} catch (error) {
  if (!(error instanceof InfraConfigError)) throw error;
  process.stderr.write(`invalid configuration: ${error.message}\n`);
  process.exit(1);
}
const target = environments.find((e) => e.name === envName);
if ((command !== 'deploy' && command !== 'diff') || !target) {
  process.stderr.write(
    `usage: npm run ${command ?? 'deploy'} -- --env ${environments.map((e) => e.name).join('|')} [cdk options]\n`,
  );
  process.exit(2);
}
if (command === 'deploy' && target.account === PLACEHOLDER_ACCOUNT) {
  process.stderr.write(
    `set AGENTICAI_ACCOUNT_${target.name.toUpperCase()} to the 12-digit account id before deploying ${target.name}\n`,
  );
  process.exit(2);
}
const stacks = [`agenticai-${target.name}`, ...(command === 'deploy' ? [] : ['agenticai-account'])];
const result = spawnSync('npx', ['--no-install', 'cdk', command, ...stacks, '--no-notices', ...passThrough], {
  stdio: 'inherit',
  env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
});
process.exit(result.status ?? 1);
