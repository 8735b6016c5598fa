/**
 * `npm run deploy -- --env staging` / `npm run diff -- --env production`: the pinned CDK CLI for one
 * environment's stack, its canary stacks in the other regions of `canaryRegions` (R11.5; CDK
 * deploys them after the environment stack they read from), and the account and region stacks it
 * depends on (CDK deploys those first, with its own progress output). Deploy runs `agenticai doctor` first (`--skip-doctor` skips it)
 * and ends with the API URL and the next steps. The app itself refuses missing or placeholder
 * accounts; this only narrows it to one environment.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceNames } from '../../src/naming.ts';
import { type EnvironmentConfig, InfraConfigError } from '../config.ts';
import { apiUrl, nextSteps } from '../deploy-steps.ts';
import { ENVIRONMENT_NAMES, loadEnvironments } from '../environments.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const [command, ...rest] = process.argv.slice(2);
const envIndex = rest.indexOf('--env');
const envName = envIndex >= 0 ? rest[envIndex + 1] : undefined;
const skipDoctor = rest.includes('--skip-doctor');
const passThrough = rest.filter(
  (arg, i) => (envIndex < 0 || (i !== envIndex && i !== envIndex + 1)) && arg !== '--skip-doctor',
);
if (
  (command !== 'deploy' && command !== 'diff') ||
  !(ENVIRONMENT_NAMES as readonly string[]).includes(envName ?? '')
) {
  process.stderr.write(
    `usage: npm run ${command ?? 'deploy'} -- --env ${ENVIRONMENT_NAMES.join('|')} [--skip-doctor] [cdk options]\n`,
  );
  process.exit(2);
}
// Only this environment (and its account and region stacks) needs an account id.
const env = { ...process.env, AGENTICAI_ENVIRONMENTS: envName!, CDK_DISABLE_CLI_TELEMETRY: 'true' };
let config: EnvironmentConfig;
try {
  config = loadEnvironments(env)[0]!;
} catch (error) {
  if (!(error instanceof InfraConfigError)) throw error;
  process.stderr.write(`invalid configuration: ${error.message}\n`);
  process.exit(2);
}
if (command === 'deploy' && !skipDoctor) {
  const doctor = spawnSync(process.execPath, [join(ROOT, 'bin/agenticai.mjs'), '--env', envName!, 'doctor'], {
    stdio: 'inherit',
    env,
  });
  if (doctor.status !== 0) {
    process.stderr.write(
      'agenticai doctor found problems: not deploying (fix the failed checks, or pass --skip-doctor)\n',
    );
    process.exit(doctor.status ?? 1);
  }
}
const region = config.region;
const stack = resourceNames(envName!).stack;
const canaryStacks = (config.canaryRegions ?? [])
  .filter((r) => r !== region)
  .map((r) => resourceNames(envName!).canaryStack(r));
const outputsFile = join(ROOT, 'cdk.out', `outputs-${envName}.json`);
const result = spawnSync(
  'npx',
  [
    '--no-install',
    'cdk',
    command,
    stack,
    ...canaryStacks,
    '--no-notices',
    ...(command === 'deploy' ? ['--outputs-file', outputsFile] : []),
    ...passThrough,
  ],
  { stdio: 'inherit', env, cwd: ROOT },
);
if (result.status === 0 && command === 'deploy') {
  const outputs = existsSync(outputsFile) ? JSON.parse(readFileSync(outputsFile, 'utf8')) : {};
  process.stdout.write(nextSteps(envName!, region, apiUrl(outputs, stack)));
}
process.exit(result.status ?? 1);
