import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Monitoring, type MonitoringProps } from '../../infra/observability/monitoring.ts';
import { SERVICES } from '../../src/observability/metrics.ts';

let memo: ReturnType<typeof build> | undefined;
/** The Monitoring construct alone, in a bare stack (no bundling): fast to synthesize. Built once. */
export function monitoringTemplate() {
  memo ??= build();
  return memo;
}

function build(overrides: Partial<MonitoringProps> = {}) {
  const stack = new Stack(undefined, 'MonitoringTest', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  const timeouts = { api: 29, worker: 300, sweeper: 60, notifier: 30 } as const;
  const notifier = new LambdaFunction(stack, 'Notifier', {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('export const handler = async () => {};'),
  });
  const monitoring = new Monitoring(stack, 'Monitoring', {
    envName: 'production',
    adminEmails: ['ops@example.com'],
    functions: (Object.keys(SERVICES) as (keyof typeof SERVICES)[]).map((label) => ({
      label,
      functionName: `agenticai-production-${label}-fn`,
      logGroup: LogGroup.fromLogGroupName(
        stack,
        `Logs-${label}`,
        `/aws/lambda/agenticai-production-${label}`,
      ),
      concurrencyLimit: label === 'api' ? 100 : 1000,
      timeoutSeconds: timeouts[label],
      scheduled: label === 'sweeper',
    })),
    api: { name: 'agenticai-production', stage: 'v1' },
    canaries: [{ name: 'agenticai-production', region: 'eu-west-1', intervalMinutes: 5 }],
    tables: [
      { label: 'data', tableName: 'agenticai-production-data' },
      { label: 'counters', tableName: 'agenticai-production-counters' },
    ],
    queues: [{ label: 'pm', queueName: 'agenticai-production-pm' }],
    deadLetterQueues: [{ label: 'pm-dlq', queueName: 'agenticai-production-pm-dlq' }],
    waf: { webAclName: 'agenticai-production', region: 'eu-west-1', ruleNames: ['RateLimitPerIp'] },
    notifier: { handler: notifier, function: notifier },
    ...overrides,
  });
  return { stack, monitoring, template: Template.fromStack(stack) };
}

/** Every metric a template's alarms and dashboard name: namespace, name, dimensions. */
export function metricsInTemplate(template: Template) {
  const found: { where: string; namespace: string; name: string; dimensions: Record<string, string> }[] = [];
  const dims = (list: { Name: string; Value: unknown }[] = []) =>
    Object.fromEntries(list.map((d) => [d.Name, typeof d.Value === 'string' ? d.Value : '<ref>']));
  for (const [id, alarm] of Object.entries(template.findResources('AWS::CloudWatch::Alarm'))) {
    const p = alarm.Properties;
    if (p.MetricName)
      found.push({
        where: `alarm ${id}`,
        namespace: p.Namespace,
        name: p.MetricName,
        dimensions: dims(p.Dimensions),
      });
    for (const q of p.Metrics ?? []) {
      if (!q.MetricStat) continue;
      const m = q.MetricStat.Metric;
      found.push({
        where: `alarm ${id}`,
        namespace: m.Namespace,
        name: m.MetricName,
        dimensions: dims(m.Dimensions),
      });
    }
  }
  for (const dashboard of Object.values(template.findResources('AWS::CloudWatch::Dashboard'))) {
    const body = dashboard.Properties.DashboardBody;
    const text =
      typeof body === 'string'
        ? body
        : (body['Fn::Join'][1] as unknown[])
            .map((part) => (typeof part === 'string' ? part : '<ref>'))
            .join('');
    const widgets = (
      JSON.parse(text) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] }
    ).widgets;
    for (const widget of widgets) {
      for (const row of widget.properties.metrics ?? []) {
        const parts = row.filter((p) => typeof p === 'string') as string[];
        if (parts.length < 2) continue; // a math expression row
        const [namespace, name, ...rest] = parts;
        const dimensions: Record<string, string> = {};
        for (let i = 0; i + 1 < rest.length; i += 2) dimensions[rest[i]!] = rest[i + 1]!;
        found.push({
          where: `widget "${widget.properties.title}"`,
          namespace: namespace!,
          name: name!,
          dimensions,
        });
      }
    }
  }
  return found;
}
