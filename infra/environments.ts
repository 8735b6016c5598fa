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
    const raw = {
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
