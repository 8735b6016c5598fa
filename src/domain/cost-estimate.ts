/**
 * What the system costs to run, priced from its synthesized CloudFormation templates and one
 * dated price table (docs/COSTS.md): the fixed monthly cost of each environment (what it costs
 * idle, its own canary and schedule traffic included), the cost per million admitted requests
 * beside the architecture's floor, the model cost per project, and with `estimateAccount` every
 * environment of an account against its one budget, the account's always-free allowances applied
 * once. Prices: AWS us-east-1 list prices as of PRICES.asOf; estimates, not bills.
 */
export const PRICES = {
  asOf: '2026-11-01',
  region: 'us-east-1',
  wafWebAclMonth: 5,
  wafRuleMonth: 1,
  wafPerMillionRequests: 0.6,
  /** Standard-resolution alarm, per metric it names (a metric-math alarm pays for each). */
  alarmPerMetricMonth: 0.1,
  compositeAlarmMonth: 0.5,
  dashboardMonth: 3,
  canaryRun: 0.0012,
  kmsKeyMonth: 1,
  secretMonth: 0.4,
  customMetricMonth: 0.3,
  /** AWS Config: per rule evaluation (periodic rules evaluate about hourly). */
  configRuleEvaluation: 0.001,
  /** CloudTrail: the first copy of management events is free; a further trail pays per 100,000 events. */
  cloudTrailPer100kEvents: 2,
  snsTopicMonth: 0,
  apiGatewayRestPerMillion: 3.5,
  lambdaPerMillionRequests: 0.2,
  lambdaArmGbSecond: 0.0000133334,
  lambdaX86GbSecond: 0.0000166667,
  dynamoWritePerMillion: 0.625,
  dynamoReadPerMillion: 0.125,
  logsIngestPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  xrayTracesPerMillion: 5,
  /** Bedrock on-demand, per million tokens, by model id prefix. */
  models: {
    'anthropic.claude-haiku-4-5': { input: 1, output: 5 },
    'anthropic.claude-sonnet-4-5': { input: 3, output: 15 },
    'anthropic.claude-3-5-haiku': { input: 0.8, output: 4 },
    'anthropic.claude-3-haiku': { input: 0.25, output: 1.25 },
    'anthropic.claude-3-5-sonnet': { input: 3, output: 15 },
  } as Record<string, { input: number; output: number }>,
} as const;

/** AWS's always-free allowances, per account and month (not the 12-month trial). */
export const FREE_TIER = {
  alarmMetrics: 10,
  customMetrics: 10,
  dashboards: 3,
  canaryRuns: 100,
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  logsGb: 5,
  xrayTraces: 100_000,
} as const;

/**
 * The floor of this architecture per admitted request: API Gateway REST, WAF, one Lambda request
 * and one DynamoDB write (the rate-limit counter) — nothing cheaper can serve an authenticated,
 * rate-limited request behind a web ACL.
 */
export const FLOOR_PER_MILLION =
  PRICES.apiGatewayRestPerMillion +
  PRICES.wafPerMillionRequests +
  PRICES.lambdaPerMillionRequests +
  PRICES.dynamoWritePerMillion;

/** X-Ray's default sampling rule: the first request each second, then 5 %. */
export const XRAY_DEFAULT_SAMPLING = { reservoirPerSecond: 1, fixedRate: 0.05 } as const;

const SECONDS_PER_MONTH = 30 * 24 * 3600;
const MINUTES_PER_MONTH = 30 * 24 * 60;
const GB = 1024 ** 3;

/**
 * What the application does per request and per run, measured (docs/PERFORMANCE.md) or declared
 * where AWS measures it only in a deployment; the template supplies everything else.
 */
export interface Usage {
  /** API function duration per admitted request, at its configured memory. */
  apiDurationMs: number;
  /** The API's own log line per request (R1.5 + R9.1). */
  appLogBytesPerRequest: number;
  /** Lambda's platform lines per invocation in JSON format (`platform.start` + `platform.report`, R9.2). */
  platformLogBytesPerInvocation: number;
  /** DynamoDB write and read units per admitted request (the rate-limit counter; key records are cached). */
  writesPerRequest: number;
  readsPerRequest: number;
  /** Share of requests WAF blocks or counts: all that a filtered WAF log keeps. */
  wafLoggedShare: number;
  wafLogRecordBytes: number;
  /** One Synthetics run: its Lambda time and the API requests it makes. */
  canaryRunSeconds: number;
  canaryRequestsPerRun: number;
  /** One run of a scheduled function (the sweeper). */
  scheduledDurationMs: number;
}

/** The figures `agenticai cost estimate` uses (docs/COSTS.md explains each). */
export const DECLARED_USAGE: Usage = {
  apiDurationMs: 45,
  appLogBytesPerRequest: 400,
  platformLogBytesPerInvocation: 560,
  writesPerRequest: 1,
  readsPerRequest: 0,
  wafLoggedShare: 0.02,
  wafLogRecordBytes: 1500,
  canaryRunSeconds: 4,
  canaryRequestsPerRun: 3,
  scheduledDurationMs: 300,
};

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties have no static type
type Resource = { Type: string; Properties?: Record<string, any> };
export type Template = { Resources: Record<string, Resource>; Metadata?: Record<string, unknown> };

export interface LineItem {
  item: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  monthly: number;
}

export const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const ofType = (templates: Template[], type: string) =>
  templates.flatMap((t) => Object.values(t.Resources ?? {}).filter((r) => r.Type === type));
const line = (item: string, quantity: number, unit: string, unitPrice: number, d = 2): LineItem => ({
  item,
  quantity,
  unit,
  unitPrice,
  monthly: round(quantity * unitPrice, d),
});
const sum = (items: LineItem[], d = 2) =>
  round(
    items.reduce((n, i) => n + i.monthly, 0),
    d,
  );

function alarmMetricCount(alarm: Resource): number {
  const metrics = alarm.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
  return metrics ? metrics.filter((m) => m.MetricStat).length : 1;
}

/** Runs per month of a `rate(N minutes|hours)` schedule; 0 for anything else. */
export function runsPerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!rate) return 0;
  const minutes = Number(rate[1]) * (rate[2]!.startsWith('hour') ? 60 : 1);
  return Math.round(MINUTES_PER_MONTH / minutes);
}

/** Traces recorded per month at `requests` spread evenly over the month, under a sampling rule. */
export function tracedRequests(
  requests: number,
  sampling: { reservoirPerSecond: number; fixedRate: number },
): number {
  const reservoir = Math.min(requests, sampling.reservoirPerSecond * SECONDS_PER_MONTH);
  return reservoir + (requests - reservoir) * sampling.fixedRate;
}

/**
 * Functions EventBridge invokes on a `rate(...)` schedule, with their runs per month. A rule
 * targets a function or one of its aliases (`Ref` of an AWS::Lambda::Alias).
 */
export function scheduledFunctions(templates: Template[]): { runs: number; fn: Resource }[] {
  const resources = Object.assign({}, ...templates.map((t) => t.Resources)) as Record<string, Resource>;
  const functionOf = (id: string): Resource | undefined => {
    const r = resources[id];
    if (r?.Type === 'AWS::Lambda::Function') return r;
    const target = r?.Type === 'AWS::Lambda::Alias' ? r.Properties?.FunctionName?.Ref : undefined;
    return typeof target === 'string' ? functionOf(target) : undefined;
  };
  return ofType(templates, 'AWS::Events::Rule').flatMap((rule) => {
    const runs = runsPerMonth(String(rule.Properties?.ScheduleExpression ?? ''));
    if (runs === 0) return [];
    return ((rule.Properties?.Targets ?? []) as { Arn?: unknown }[]).flatMap((t) => {
      const arn = t.Arn as { Ref?: string; 'Fn::GetAtt'?: string[] } | undefined;
      const fn = functionOf(arn?.Ref ?? arn?.['Fn::GetAtt']?.[0] ?? '');
      return fn ? [{ runs, fn }] : [];
    });
  });
}

/** What the templates say about the request path (one environment). */
export interface RequestPath {
  apiMemoryMb: number;
  apiArm: boolean;
  waf: boolean;
  /** Share of WAF-inspected requests the WAF log keeps (1 unfiltered, `wafLoggedShare` filtered). */
  wafLogged: number;
  accessLogBytes: number;
  tracing: boolean;
  sampling: { reservoirPerSecond: number; fixedRate: number };
  logRetentionDays: number;
  perMethodMetrics: number;
}

const isApiFunction = (r: Resource) =>
  r.Type === 'AWS::Lambda::Function' &&
  r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'agenticai-api';

/**
 * `shared`: the account's and region's stacks, where account-wide settings (an X-Ray sampling
 * rule) may live.
 */
export function requestPath(templates: Template[], usage: Usage, shared: Template[] = []): RequestPath {
  const api = ofType(templates, 'AWS::Lambda::Function').find(isApiFunction);
  const stage = ofType(templates, 'AWS::ApiGateway::Stage')[0];
  const logging = ofType(templates, 'AWS::WAFv2::LoggingConfiguration')[0];
  // The matching rule of lowest priority wins; AWS's default rule applies when there is none.
  const rule = ofType([...templates, ...shared], 'AWS::XRay::SamplingRule')
    .map((r) => r.Properties?.SamplingRule)
    .filter(
      (r) => r && (String(r.ServiceName ?? '*') === '*' || String(r.ServiceName).startsWith('agenticai')),
    )
    .sort((a, b) => Number(a.Priority ?? 10_000) - Number(b.Priority ?? 10_000))[0];
  const methodSettings = (stage?.Properties?.MethodSettings ?? []) as { MetricsEnabled?: boolean }[];
  const methods = ofType(templates, 'AWS::ApiGateway::Method').filter(
    (m) => m.Properties?.HttpMethod !== 'OPTIONS',
  ).length;
  const retention = ofType(templates, 'AWS::Logs::LogGroup')
    .map((g) => Number(g.Properties?.RetentionInDays))
    .filter((d) => Number.isFinite(d) && d > 0);
  return {
    apiMemoryMb: Number(api?.Properties?.MemorySize ?? 128),
    apiArm: (api?.Properties?.Architectures ?? []).includes('arm64'),
    waf: ofType(templates, 'AWS::WAFv2::WebACL').length > 0,
    wafLogged: logging ? (logging.Properties?.LoggingFilter ? usage.wafLoggedShare : 1) : 0,
    accessLogBytes: String(stage?.Properties?.AccessLogSetting?.Format ?? '').length,
    tracing: stage?.Properties?.TracingEnabled === true || api?.Properties?.TracingConfig?.Mode === 'Active',
    sampling: rule
      ? { reservoirPerSecond: Number(rule.ReservoirSize ?? 0), fixedRate: Number(rule.FixedRate ?? 0) }
      : XRAY_DEFAULT_SAMPLING,
    logRetentionDays: retention.length > 0 ? Math.max(...retention) : 30,
    // API Gateway's detailed metrics: 7 per method and stage (Count, 4XX, 5XX, Latency,
    // IntegrationLatency, CacheHit, CacheMiss), billed as custom metrics.
    perMethodMetrics: methodSettings.some((s) => s.MetricsEnabled) ? methods * 7 : 0,
  };
}

/** The cost of one million admitted requests at `requestsPerMonth`, item by item. */
export function perMillionRequests(path: RequestPath, usage: Usage, requestsPerMonth: number) {
  const memoryGb = path.apiMemoryMb / 1024;
  const logBytes = (bytes: number) => round((bytes * 1_000_000) / GB, 4);
  const logged =
    usage.appLogBytesPerRequest +
    usage.platformLogBytesPerInvocation +
    path.accessLogBytes +
    (path.waf ? path.wafLogged * usage.wafLogRecordBytes : 0);
  const traced =
    path.tracing && requestsPerMonth > 0
      ? tracedRequests(requestsPerMonth, path.sampling) / requestsPerMonth
      : path.tracing
        ? 1
        : 0;
  const items: LineItem[] = [
    line('API Gateway REST requests', 1, 'million requests', PRICES.apiGatewayRestPerMillion, 4),
    line('WAF requests', path.waf ? 1 : 0, 'million requests', PRICES.wafPerMillionRequests, 4),
    line('Lambda requests', 1, 'million requests', PRICES.lambdaPerMillionRequests, 4),
    line(
      `Lambda compute (${path.apiArm ? 'arm64' : 'x86'}, ${path.apiMemoryMb} MB, ${usage.apiDurationMs} ms)`,
      round(1_000_000 * memoryGb * (usage.apiDurationMs / 1000), 0),
      'GB-second',
      path.apiArm ? PRICES.lambdaArmGbSecond : PRICES.lambdaX86GbSecond,
      4,
    ),
    line(
      'DynamoDB writes (rate-limit counter)',
      usage.writesPerRequest,
      'million write units',
      PRICES.dynamoWritePerMillion,
      4,
    ),
    line('DynamoDB reads', usage.readsPerRequest, 'million read units', PRICES.dynamoReadPerMillion, 4),
    line(
      `Logs: the request line (${usage.appLogBytesPerRequest} B)`,
      logBytes(usage.appLogBytesPerRequest),
      'GB ingested',
      PRICES.logsIngestPerGb,
      4,
    ),
    line(
      `Logs: Lambda platform lines incl. REPORT (${usage.platformLogBytesPerInvocation} B)`,
      logBytes(usage.platformLogBytesPerInvocation),
      'GB ingested',
      PRICES.logsIngestPerGb,
      4,
    ),
    line(
      `Logs: API Gateway access log (${path.accessLogBytes} B)`,
      logBytes(path.accessLogBytes),
      'GB ingested',
      PRICES.logsIngestPerGb,
      4,
    ),
    line(
      `Logs: WAF, ${path.wafLogged === 1 ? 'every request' : `blocked and counted only (${round(path.wafLogged * 100, 1)} %)`}`,
      path.waf ? logBytes(path.wafLogged * usage.wafLogRecordBytes) : 0,
      'GB ingested',
      PRICES.logsIngestPerGb,
      4,
    ),
    line(
      `Log storage (${path.logRetentionDays} days)`,
      round(logBytes(logged) * (path.logRetentionDays / 30), 4),
      'GB-month',
      PRICES.logsStoragePerGbMonth,
      4,
    ),
    line(
      `X-Ray traces (${round(traced * 100, 1)} % sampled at this volume)`,
      round(traced, 4),
      'million traces',
      PRICES.xrayTracesPerMillion,
      4,
    ),
  ];
  const total = sum(items, 4);
  const floorItems = new Set([items[0], items[1], items[2], items[4]]);
  return {
    items,
    total,
    floor: round(FLOOR_PER_MILLION, 4),
    /** What the floor leaves out, item by item (nothing else is above the floor). */
    gap: items.filter((i) => !floorItems.has(i) && i.monthly > 0),
    overFloor: round(total - FLOOR_PER_MILLION, 4),
  };
}

/** Idle usage the free tier applies to, per environment (summed over the account). */
export interface FreeTierUsage {
  alarmMetrics: number;
  customMetrics: number;
  dashboards: number;
  canaryRuns: number;
  lambdaRequests: number;
  /** GB-seconds by price: x86 (the canaries) and arm64 (the functions). */
  lambdaGbSecondsX86: number;
  lambdaGbSecondsArm: number;
  logsGb: number;
  xrayTraces: number;
}

export interface EnvironmentInputs {
  requestsPerMonth: number;
  /** The account's and region's stacks (account-wide settings such as an X-Ray sampling rule). */
  shared?: Template[];
  /** Custom metrics published whatever the traffic (by the schedule and the canary's requests). */
  idleCustomMetrics: number;
  /** Custom metrics once every code path has traffic (the whole registry). */
  allCustomMetrics: number;
  usage: Usage;
}

/** One environment (its own stacks): fixed monthly items, per-million items, and the month at `requestsPerMonth`. */
export function estimateEnvironment(templates: Template[], inputs: EnvironmentInputs) {
  const { usage } = inputs;
  const path = requestPath(templates, usage, inputs.shared);
  const perMillion = perMillionRequests(path, usage, inputs.requestsPerMonth);

  const acls = ofType(templates, 'AWS::WAFv2::WebACL');
  const alarmMetrics = ofType(templates, 'AWS::CloudWatch::Alarm').reduce(
    (n, a) => n + alarmMetricCount(a),
    0,
  );
  const canaries = ofType(templates, 'AWS::Synthetics::Canary');
  const canaryRuns = canaries.reduce(
    (n, c) => n + runsPerMonth(String(c.Properties?.Schedule?.Expression)),
    0,
  );
  // Synthetics runs each canary as an x86 Lambda function (default 1000 MB).
  const canaryGbSeconds = canaries.reduce(
    (n, c) =>
      n +
      runsPerMonth(String(c.Properties?.Schedule?.Expression)) *
        (Number(c.Properties?.RunConfig?.MemoryInMB ?? 1000) / 1024) *
        usage.canaryRunSeconds,
    0,
  );
  const scheduled = scheduledFunctions(templates).map(({ runs, fn }) => ({
    runs,
    memoryGb: Number(fn.Properties?.MemorySize ?? 128) / 1024,
  }));
  const scheduledRuns = scheduled.reduce((n, s) => n + s.runs, 0);
  const scheduledGbSeconds = scheduled.reduce(
    (n, s) => n + s.runs * s.memoryGb * (usage.scheduledDurationMs / 1000),
    0,
  );
  const canaryRequests = canaryRuns * usage.canaryRequestsPerRun;
  // The canary requests' own logs are in their per-request price; these are the runs' platform lines.
  const selfLogGb = ((canaryRuns + scheduledRuns) * usage.platformLogBytesPerInvocation) / GB;
  const canaryRequestLogGb =
    (canaryRequests *
      (usage.appLogBytesPerRequest + usage.platformLogBytesPerInvocation + path.accessLogBytes)) /
    GB;
  const configRules = ofType(templates, 'AWS::Config::ConfigRule').length;
  const extraTrails = ofType(templates, 'AWS::CloudTrail::Trail').length;

  const fixed: LineItem[] = [
    line('WAF web ACLs', acls.length, 'web ACL-month', PRICES.wafWebAclMonth),
    line(
      'WAF rules (incl. managed groups)',
      acls.reduce((n, a) => n + (a.Properties?.Rules?.length ?? 0), 0),
      'rule-month',
      PRICES.wafRuleMonth,
    ),
    line('CloudWatch alarms (per metric)', alarmMetrics, 'alarm metric-month', PRICES.alarmPerMetricMonth),
    line(
      'CloudWatch composite alarms',
      ofType(templates, 'AWS::CloudWatch::CompositeAlarm').length,
      'alarm-month',
      PRICES.compositeAlarmMonth,
    ),
    line(
      'CloudWatch dashboards',
      ofType(templates, 'AWS::CloudWatch::Dashboard').length,
      'dashboard-month',
      PRICES.dashboardMonth,
    ),
    line('Synthetics canary runs', canaryRuns, 'run', PRICES.canaryRun),
    line(
      `Canary Lambda compute (x86, ${usage.canaryRunSeconds} s a run)`,
      round(canaryGbSeconds, 0),
      'GB-second',
      PRICES.lambdaX86GbSecond,
    ),
    line(
      `Canary requests through the API (${usage.canaryRequestsPerRun} a run)`,
      round(canaryRequests / 1_000_000, 4),
      'million requests',
      perMillion.total,
    ),
    line(
      `Scheduled function runs (${usage.scheduledDurationMs} ms each)`,
      scheduledRuns,
      'invocation',
      PRICES.lambdaPerMillionRequests / 1_000_000 +
        (scheduledRuns > 0 ? (scheduledGbSeconds / scheduledRuns) * PRICES.lambdaArmGbSecond : 0),
    ),
    line(
      'Logs of canary and scheduled runs (ingestion + storage)',
      round(selfLogGb, 4),
      'GB',
      PRICES.logsIngestPerGb + PRICES.logsStoragePerGbMonth * (path.logRetentionDays / 30),
    ),
    line(
      'KMS customer-managed keys',
      ofType(templates, 'AWS::KMS::Key').length,
      'key-month',
      PRICES.kmsKeyMonth,
    ),
    line(
      'Secrets Manager secrets',
      ofType(templates, 'AWS::SecretsManager::Secret').length,
      'secret-month',
      PRICES.secretMonth,
    ),
    line(
      'SNS topics (publishes and emails within the free tier)',
      ofType(templates, 'AWS::SNS::Topic').length,
      'topic-month',
      PRICES.snsTopicMonth,
    ),
    line(
      'Custom metrics published idle (schedule, canary path)',
      inputs.idleCustomMetrics,
      'metric-month',
      PRICES.customMetricMonth,
    ),
    line(
      'AWS Config rules (~720 evaluations a month each)',
      configRules * 720,
      'evaluation',
      PRICES.configRuleEvaluation,
    ),
    line(
      'CloudTrail trails beyond the free copy',
      extraTrails,
      'trail (per 100k events)',
      PRICES.cloudTrailPer100kEvents,
    ),
  ];
  const fixedTotal = sum(fixed);

  // With traffic every code path publishes its metrics (billed hourly, so up to the full registry).
  const trafficMetrics =
    inputs.requestsPerMonth > 0
      ? inputs.allCustomMetrics - inputs.idleCustomMetrics + path.perMethodMetrics
      : 0;
  const traffic: LineItem[] = [
    line(
      `Requests (${inputs.requestsPerMonth.toLocaleString('en-US')} a month at $${perMillion.total.toFixed(2)} per million)`,
      round(inputs.requestsPerMonth / 1_000_000, 4),
      'million requests',
      perMillion.total,
    ),
    line(
      'Custom metrics of the traffic (application, API per-method if on)',
      trafficMetrics,
      'metric-month',
      PRICES.customMetricMonth,
    ),
  ];
  const trafficTotal = sum(traffic);

  const canaryTraced = path.tracing ? tracedRequests(canaryRequests, path.sampling) : 0;
  const free: FreeTierUsage = {
    alarmMetrics,
    customMetrics: inputs.idleCustomMetrics + trafficMetrics,
    dashboards: ofType(templates, 'AWS::CloudWatch::Dashboard').length,
    canaryRuns,
    lambdaRequests: canaryRuns + scheduledRuns + canaryRequests + inputs.requestsPerMonth,
    lambdaGbSecondsX86: canaryGbSeconds,
    lambdaGbSecondsArm:
      scheduledGbSeconds +
      (canaryRequests + inputs.requestsPerMonth) * (path.apiMemoryMb / 1024) * (usage.apiDurationMs / 1000),
    logsGb: selfLogGb + canaryRequestLogGb,
    xrayTraces: canaryTraced + (path.tracing ? tracedRequests(inputs.requestsPerMonth, path.sampling) : 0),
  };
  return {
    fixed,
    fixedTotal,
    path,
    perMillion,
    requestsPerMonth: inputs.requestsPerMonth,
    traffic,
    trafficTotal,
    totalMonthly: round(fixedTotal + trafficTotal),
    freeTierUsage: free,
  };
}

export type EnvironmentEstimate = ReturnType<typeof estimateEnvironment>;

/** The always-free allowances the account's usage earns, item by item (negative amounts). */
export function freeTierCredits(usage: FreeTierUsage[]): LineItem[] {
  const total = (k: keyof FreeTierUsage) => usage.reduce((n, u) => n + u[k], 0);
  const credit = (item: string, used: number, free: number, unit: string, price: number) =>
    line(item, round(Math.min(used, free), 2), unit, -price);
  // Lambda's free GB-seconds go to the dearer x86 seconds (the canaries) first.
  const x86 = Math.min(total('lambdaGbSecondsX86'), FREE_TIER.lambdaGbSeconds);
  const arm = Math.min(total('lambdaGbSecondsArm'), FREE_TIER.lambdaGbSeconds - x86);
  return [
    credit(
      'Free alarm metrics',
      total('alarmMetrics'),
      FREE_TIER.alarmMetrics,
      'alarm metric-month',
      PRICES.alarmPerMetricMonth,
    ),
    credit(
      'Free custom metrics',
      total('customMetrics'),
      FREE_TIER.customMetrics,
      'metric-month',
      PRICES.customMetricMonth,
    ),
    credit(
      'Free dashboards',
      total('dashboards'),
      FREE_TIER.dashboards,
      'dashboard-month',
      PRICES.dashboardMonth,
    ),
    credit('Free canary runs', total('canaryRuns'), FREE_TIER.canaryRuns, 'run', PRICES.canaryRun),
    credit(
      'Free Lambda requests',
      total('lambdaRequests') / 1_000_000,
      FREE_TIER.lambdaRequests / 1_000_000,
      'million requests',
      PRICES.lambdaPerMillionRequests,
    ),
    line('Free Lambda compute (x86)', round(x86, 0), 'GB-second', -PRICES.lambdaX86GbSecond),
    line('Free Lambda compute (arm64)', round(arm, 0), 'GB-second', -PRICES.lambdaArmGbSecond),
    credit('Free log ingestion', total('logsGb'), FREE_TIER.logsGb, 'GB', PRICES.logsIngestPerGb),
    credit(
      'Free X-Ray traces',
      total('xrayTraces') / 1_000_000,
      FREE_TIER.xrayTraces / 1_000_000,
      'million traces',
      PRICES.xrayTracesPerMillion,
    ),
  ];
}

export interface AccountPart {
  /** `dev`, `staging`, `production`, or `account` for the shared stacks. */
  name: string;
  estimate: EnvironmentEstimate;
}

/**
 * Every environment of one account against its one budget. The always-free allowances are the
 * account's: credited once, and shared among the parts in proportion to their gross cost.
 * `budgetScope`: the environment a tag-filtered budget covers (then only it is compared).
 */
export function estimateAccount(parts: AccountPart[], budget: number, budgetScope?: string) {
  const credits = freeTierCredits(parts.map((p) => p.estimate.freeTierUsage));
  const creditTotal = sum(credits);
  const gross = round(parts.reduce((n, p) => n + p.estimate.totalMonthly, 0));
  const rows = parts.map((p) => {
    const share = gross > 0 ? p.estimate.totalMonthly / gross : 0;
    const net = round(p.estimate.totalMonthly + creditTotal * share);
    return {
      name: p.name,
      fixed: p.estimate.fixedTotal,
      requestsPerMonth: p.estimate.requestsPerMonth,
      traffic: p.estimate.trafficTotal,
      gross: p.estimate.totalMonthly,
      freeTier: round(creditTotal * share),
      net,
      shareOfBudget: budget > 0 ? round((net / budget) * 100, 1) : null,
    };
  });
  const covered = budgetScope ? rows.filter((r) => r.name === budgetScope) : rows;
  const net = round(covered.reduce((n, r) => n + r.net, 0));
  return {
    parts: rows,
    freeTier: credits,
    gross,
    freeTierTotal: creditTotal,
    net: round(rows.reduce((n, r) => n + r.net, 0)),
    budget,
    budgetScope: budgetScope ?? 'account',
    comparedWithBudget: net,
    shareOfBudget: budget > 0 ? round((net / budget) * 100, 1) : null,
    withinBudget: net <= budget,
  };
}

/** Model cost per project; a cross-region inference profile (`us.` …) bills its model's price. */
export function modelCostPerProject(
  modelId: string,
  tokensPerStage: { input: number; output: number },
  stages: number,
) {
  const baseModelId = modelId.replace(/^(us|eu|apac|global)\./, '');
  const price = Object.entries(PRICES.models).find(([prefix]) => baseModelId.startsWith(prefix))?.[1];
  if (!price) return null;
  return {
    modelId,
    usd: round(
      (stages * (tokensPerStage.input * price.input + tokensPerStage.output * price.output)) / 1_000_000,
      4,
    ),
    tokensPerStage,
    stages,
  };
}

/**
 * Custom metrics an environment publishes with no client traffic: every metric of the functions
 * its schedules invoke, and the API's cold start when a canary calls it (the canary's requests —
 * health, a canary project that starts no pipeline, reading it back — publish no other metric).
 */
export function idleMetricCount(
  templates: Template[],
  emitted: readonly { name: string; dimensions: Record<string, string> }[],
  api: { service: string; coldStartMetric: string },
): number {
  const scheduled = new Set(
    scheduledFunctions(templates).map(({ fn }) =>
      String(fn.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME),
    ),
  );
  const probed = ofType(templates, 'AWS::Synthetics::Canary').length > 0;
  return emitted.filter(
    (m) =>
      scheduled.has(m.dimensions.service ?? '') ||
      (probed && m.dimensions.service === api.service && m.name === api.coldStartMetric),
  ).length;
}
