import { beforeAll, describe, expect, it } from 'vitest';
import { ALERT_LOG_GROUPS_ENV } from '../../src/notifier/evidence.ts';
import { ALARM_CATALOG, parseAlarmName } from '../../src/observability/alarm-catalog.ts';
import { monitoringTemplate } from './support.ts';

// Synthesizing the construct takes a while on a loaded machine: once, in a hook with its own timeout.
beforeAll(() => {
  monitoringTemplate();
}, 180_000);

const resources = (type: string) => {
  const { template } = monitoringTemplate();
  return Object.values(template.findResources(type)) as { Properties: Record<string, any> }[];
};
const ref = (value: unknown) => JSON.stringify(value);

describe('R3.4 each alert reaches each channel once', () => {
  it('an alarm notifies its topic itself or is covered by system-health, never both; system-health pages the critical topic', () => {
    const [composite] = resources('AWS::CloudWatch::CompositeAlarm');
    const rule = ref(composite!.Properties.AlarmRule);
    expect(ref(composite!.Properties.AlarmActions)).toMatch(/CriticalTopic/);
    expect(ref(composite!.Properties.OKActions)).toMatch(/CriticalTopic/);
    const alarms = resources('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(30);
    for (const { Properties: p } of alarms) {
      const { spec } = parseAlarmName(p.AlarmName)!;
      const logicalId = Object.entries(
        monitoringTemplate().template.findResources('AWS::CloudWatch::Alarm'),
      ).find(([, r]) => r.Properties.AlarmName === p.AlarmName)![0];
      const inComposite = rule.includes(logicalId);
      const actions = p.AlarmActions ?? [];
      if (spec.paging === 'composite') {
        expect(actions, p.AlarmName).toEqual([]);
        expect(inComposite, p.AlarmName).toBe(true);
      } else {
        expect(actions, p.AlarmName).toHaveLength(1);
        expect(ref(actions)).toMatch(spec.severity === 'critical' ? /CriticalTopic/ : /GeneralTopic/);
        expect(p.OKActions).toEqual(actions);
        expect(inComposite, p.AlarmName).toBe(false);
      }
    }
  });

  it('a heartbeat alarm for every scheduled function, with missing data breaching; stuck-projects keeps its state without data', () => {
    const byName = (name: string) =>
      resources('AWS::CloudWatch::Alarm').find(
        (a) => a.Properties.AlarmName === `agenticai-production-${name}`,
      )!.Properties;
    expect(byName('scheduled-heartbeat-sweeper')).toMatchObject({
      MetricName: 'Invocations',
      Namespace: 'AWS/Lambda',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      Dimensions: [{ Name: 'FunctionName', Value: 'agenticai-production-sweeper-fn' }],
    });
    expect(
      resources('AWS::CloudWatch::Alarm').filter((a) =>
        a.Properties.AlarmName.includes('scheduled-heartbeat'),
      ),
    ).toHaveLength(1);
    expect(byName('stuck-projects-production').TreatMissingData).toBe('ignore');
  });

  it('R4.1 duration thresholds per function: the API at 10 s, the worker above a model call, each under its timeout', () => {
    const threshold = (fn: string) =>
      resources('AWS::CloudWatch::Alarm').find(
        (a) => a.Properties.AlarmName === `agenticai-production-lambda-duration-${fn}`,
      )!.Properties.Threshold;
    expect(threshold('api')).toBe(10_000);
    expect(threshold('worker')).toBe(240_000);
    expect(threshold('sweeper')).toBe(30_000);
    expect(threshold('notifier')).toBe(15_000);
  });

  it('the dashboard draws each alarmed threshold with the alarm title', () => {
    const [dashboard] = resources('AWS::CloudWatch::Dashboard');
    const body = ref(dashboard!.Properties.DashboardBody);
    for (const label of [
      'lambda-duration: Lambda duration above 10 s (Maximum, 1 minute)',
      'lambda-duration: Lambda duration above 240 s (Maximum, 1 minute)',
      'api-latency: API latency above 3 s in each of 5 consecutive 1-minute periods',
      'lambda-error-rate: Lambda error rate above 5 % in 5 minutes',
    ]) {
      expect(body).toContain(label);
    }
  });
});

describe('R3.5 the notifier may read the application logs for evidence', () => {
  it('logs:FilterLogEvents on each function log group, and the groups in its environment', () => {
    const policies = resources('AWS::IAM::Policy');
    const statements = policies.flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[],
    );
    const filter = statements.filter((s) => s.Action === 'logs:FilterLogEvents');
    expect(filter).toHaveLength(4);
    for (const s of filter) expect(ref(s.Resource)).not.toBe('"*"');
    const [fn] = resources('AWS::Lambda::Function');
    const groups = ref(fn!.Properties.Environment.Variables[ALERT_LOG_GROUPS_ENV]);
    for (const label of ['api', 'worker', 'sweeper', 'notifier'])
      expect(groups).toContain(`agenticai-production-${label}`);
  });

  it('every alarm of the catalog exists in the template', () => {
    const names = resources('AWS::CloudWatch::Alarm').map(
      (a) => parseAlarmName(a.Properties.AlarmName)!.spec.id,
    );
    expect(new Set(names)).toEqual(new Set(ALARM_CATALOG.map((a) => a.id)));
  });
});

describe('API Gateway metrics', () => {
  it('per-method detailed metrics are off: no alarm or widget reads the Resource/Method dimensions they add (they are billed as custom metrics)', async () => {
    const { Stack } = await import('aws-cdk-lib');
    const { Template } = await import('aws-cdk-lib/assertions');
    const { Code, Function: LambdaFunction, Runtime } = await import('aws-cdk-lib/aws-lambda');
    const { SecureRestApi } = await import('../../infra/constructs/secure-rest-api.ts');
    const stack = new Stack(undefined, 'ApiTest', { env: { account: '123456789012', region: 'eu-west-1' } });
    const handler = new LambdaFunction(stack, 'Fn', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => {};'),
    });
    new SecureRestApi(stack, 'Api', { name: 'agenticai-production', handler, stageName: 'v1' });
    const [stage] = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::Stage'));
    for (const setting of stage!.Properties.MethodSettings) expect(setting.MetricsEnabled).toBe(false);
    const { metricsInTemplate } = await import('./support.ts');
    for (const m of metricsInTemplate(monitoringTemplate().template).filter(
      (x) => x.namespace === 'AWS/ApiGateway',
    ))
      expect(Object.keys(m.dimensions).sort()).toEqual(['ApiName', 'Stage']);
  });
});
