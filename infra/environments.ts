import { type EnvironmentConfig, GithubConfig, InfraConfigError, parseEnvironment } from './config.ts';

/**
 * The three environments. Account ids and emails come from the environment so none are committed
 * (docs/DEPLOYMENT.md lists the variables). Offline synthesis (`npm run synth`, context
 * `agenticai:offline=true`) fills a missing account with a placeholder that no deploy accepts;
 * every other synthesis — `npm run deploy`, a bare `npx cdk deploy` — refuses it, naming the variable.
 */
export const PLACEHOLDER_ACCOUNT = '000000000000';

export const ENVIRONMENT_NAMES = ['dev', 'staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

type Env = Record<string, string | undefined>;

const read = (env: Env, name: string) => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

export const accountVariable = (name: EnvironmentName) => `AGENTICAI_ACCOUNT_${name.toUpperCase()}`;
/** Comma-separated canary regions of one environment (R11.5), replacing canaryDefaults' regions. */
export const canaryRegionsVariable = (name: EnvironmentName) =>
  `AGENTICAI_CANARY_REGIONS_${name.toUpperCase()}`;

/**
 * R11.5: the second canary region of production: a region of the same geography (same data rules,
 * similar latency to users), but a different one, so a regional outage of the main region's
 * network or Synthetics still leaves one probe reporting. Override with AGENTICAI_CANARY_REGIONS_<ENV>.
 */
const CANARY_PAIRS: Record<string, string> = {
  'us-east-1': 'us-west-2',
  'us-east-2': 'us-west-2',
  'us-west-1': 'us-east-1',
  'us-west-2': 'us-east-1',
  'ca-central-1': 'us-east-1',
  'eu-west-1': 'eu-central-1',
  'eu-west-2': 'eu-west-1',
  'eu-west-3': 'eu-central-1',
  'eu-central-1': 'eu-west-1',
  'eu-north-1': 'eu-central-1',
  'eu-south-1': 'eu-central-1',
  'ap-northeast-1': 'ap-southeast-1',
  'ap-northeast-2': 'ap-northeast-1',
  'ap-southeast-1': 'ap-northeast-1',
  'ap-southeast-2': 'ap-southeast-1',
  'ap-south-1': 'ap-southeast-1',
  'sa-east-1': 'us-east-1',
};

/** The region production's second canary probes from (R11.5): a neighbour in the same geography. */
export function secondCanaryRegion(region: string): string {
  return CANARY_PAIRS[region] ?? (region === 'us-east-1' ? 'us-west-2' : 'us-east-1');
}

/**
 * Canary regions and interval per environment (the cost of R11: docs/DEPLOYMENT.md, "What the
 * canaries cost"): production probes every 5 minutes (R11.1) from two regions (R11.5); staging
 * every 15 minutes and dev every hour, from their own region only.
 */
export function canaryDefaults(name: EnvironmentName, region: string) {
  if (name === 'production')
    return { canaryIntervalMinutes: 5, canaryRegions: [region, secondCanaryRegion(region)] };
  return { canaryIntervalMinutes: name === 'staging' ? 15 : 60, canaryRegions: [region] };
}

/**
 * Per-environment settings that are not installation-specific. Cost profiles (docs/COSTS.md):
 * production keeps the full hardening; staging and dev give up the web ACL, the Slack notifier and
 * most alarms so that all three fit one account's $50 budget (`agenticai cost estimate --all`).
 */
const DEFAULTS: Record<EnvironmentName, Record<string, unknown>> = {
  dev: {
    costProfile: 'minimal',
    waf: { enabled: false },
    slackNotifier: false,
    // The canary owner's (#14) numbers: production every 5 minutes, staging 15, dev 60.
    canaryIntervalMinutes: 60,
    workers: { memoryMb: 1024, timeoutSeconds: 300, maxConcurrency: 2 },
    pitrRecoveryPeriodDays: 7,
  },
  staging: {
    costProfile: 'lean',
    waf: { enabled: false },
    slackNotifier: false,
    canaryIntervalMinutes: 15,
    api: { throttleRateLimit: 200, throttleBurstLimit: 400, memoryMb: 512, timeoutSeconds: 29 },
  },
  production: {
    costProfile: 'full',
    // Reserved concurrency is opt-in: add `reservedConcurrency: 100` here once the account's
    // concurrency quota is above 100 + that value (agenticai doctor checks it).
    api: { throttleRateLimit: 1000, throttleBurstLimit: 2000, memoryMb: 1024, timeoutSeconds: 29 },
    workers: { memoryMb: 1024, timeoutSeconds: 300, maxConcurrency: 10 },
    // A new version takes 10 % of the traffic for 5 minutes before the rest (R12.5).
    deploymentStyle: 'canary',
  },
};

/** Which environments the app holds: AGENTICAI_ENVIRONMENTS (comma-separated), default all three. */
export function selectedEnvironments(env: Env = process.env): EnvironmentName[] {
  const raw = read(env, 'AGENTICAI_ENVIRONMENTS');
  if (!raw) return [...ENVIRONMENT_NAMES];
  const names = raw.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !(ENVIRONMENT_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0)
    throw new InfraConfigError(
      `AGENTICAI_ENVIRONMENTS: unknown environment ${unknown.join(', ')} (use ${ENVIRONMENT_NAMES.join(', ')})`,
    );
  return ENVIRONMENT_NAMES.filter((n) => names.includes(n));
}

export function loadEnvironments(
  env: Env = process.env,
  opts: { offline?: boolean } = {},
): EnvironmentConfig[] {
  const region = read(env, 'AGENTICAI_REGION') ?? 'us-east-1';
  const emails = (read(env, 'AGENTICAI_ADMIN_EMAILS') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const missing: string[] = [];
  const configs = selectedEnvironments(env).map((name) => {
    const variable = accountVariable(name);
    const account = read(env, variable) ?? read(env, 'AGENTICAI_ACCOUNT');
    const placeholder = account === undefined || account === PLACEHOLDER_ACCOUNT;
    if (placeholder && !opts.offline) missing.push(variable);
    const canaryRegions = read(env, canaryRegionsVariable(name))
      ?.split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '');
    const raw = {
      ...canaryDefaults(name, region),
      ...(canaryRegions && { canaryRegions }),
      ...DEFAULTS[name],
      name,
      account: account ?? PLACEHOLDER_ACCOUNT,
      region,
      // Offline placeholders are never deployable; their alerts go to a reserved, undeliverable domain.
      adminEmails: emails.length === 0 && placeholder ? ['alerts@agenticai.invalid'] : emails,
      ...(read(env, 'AGENTICAI_RUNBOOK_URL') && { runbookUrl: read(env, 'AGENTICAI_RUNBOOK_URL') }),
      ...(read(env, 'AGENTICAI_BEDROCK_MODEL_ID') && {
        bedrockModelId: read(env, 'AGENTICAI_BEDROCK_MODEL_ID'),
      }),
    };
    return { raw, placeholder };
  });
  if (missing.length > 0)
    throw new InfraConfigError(
      `set ${missing.join(', ')} (or AGENTICAI_ACCOUNT for every environment) to the 12-digit AWS account id; ` +
        'AGENTICAI_ENVIRONMENTS limits the app to the environments you deploy (npm run synth alone works offline with placeholders)',
    );
  return configs.map(({ raw, placeholder }) => parseEnvironment(raw, { placeholder }));
}

/** Offline placeholders for the CI/CD stack: synthesizable, never a real repository's subject. */
export const PLACEHOLDER_GITHUB = { owner: 'placeholder-owner', repo: 'placeholder-repo' } as const;

/**
 * The repository whose GitHub Actions workflows may assume the deploy roles: AGENTICAI_GITHUB_OWNER
 * and AGENTICAI_GITHUB_REPO (optionally AGENTICAI_GITHUB_OIDC_PROVIDER_ARN to reuse the account's
 * provider). Undefined — no CI/CD stack — when neither is set, except offline, where placeholders
 * keep the stack in `npm run synth` and its nag gate. One without the other is an error.
 */
export function loadGithub(
  env: Env = process.env,
  opts: { offline?: boolean } = {},
): GithubConfig | undefined {
  const owner = read(env, 'AGENTICAI_GITHUB_OWNER');
  const repo = read(env, 'AGENTICAI_GITHUB_REPO');
  const existingOidcProviderArn = read(env, 'AGENTICAI_GITHUB_OIDC_PROVIDER_ARN');
  if (!owner && !repo) return opts.offline ? { ...PLACEHOLDER_GITHUB } : undefined;
  if (!owner || !repo)
    throw new InfraConfigError(
      `set both AGENTICAI_GITHUB_OWNER and AGENTICAI_GITHUB_REPO (missing ${owner ? 'AGENTICAI_GITHUB_REPO' : 'AGENTICAI_GITHUB_OWNER'})`,
    );
  const parsed = GithubConfig.safeParse({
    owner,
    repo,
    ...(existingOidcProviderArn && { existingOidcProviderArn }),
  });
  if (!parsed.success)
    throw new InfraConfigError(
      `github: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
