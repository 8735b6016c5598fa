import { resourceNames } from '../../naming.ts';
import { ALARM_CATALOG } from '../../observability/alarm-catalog.ts';
import {
  type Found,
  handlesOf,
  type Json,
  ownStacks,
  referencedIds,
  resourcesOf,
  type TemplateSet,
} from '../template-set.ts';

/**
 * The topics an alarm's alert reaches: its own actions, or those of a composite alarm whose rule
 * names it. Alarms that page only through the composite have no actions of their own, so that
 * each alert arrives once (alarm catalog, `paging`).
 */
export function topicsReached(set: TemplateSet, alarm: Found): string[] {
  const viaComposite = resourcesOf(set, 'AWS::CloudWatch::CompositeAlarm')
    .filter((c) => referencedIds(c.props.AlarmRule).includes(alarm.logicalId))
    .flatMap((c) => referencedIds(c.props.AlarmActions));
  return [...new Set([...referencedIds(alarm.props.AlarmActions), ...viaComposite])];
}

/** Alarms built from catalog entry `catalogId`: named `agenticai-<env>-<catalogId>-<resource>`. */
export function alarmsOf(set: TemplateSet, catalogId: string): Found[] {
  if (!ALARM_CATALOG.some((a) => a.id === catalogId)) throw new Error(`no alarm ${catalogId} in the catalog`);
  const prefix = `${resourceNames(set.env).alarmPrefix}${catalogId}-`;
  return resourcesOf(set, 'AWS::CloudWatch::Alarm').filter(
    (a) => typeof a.props.AlarmName === 'string' && a.props.AlarmName.startsWith(prefix),
  );
}

/** The resource label of an alarm name (`agenticai-production-api-5xx-api` → `api`). */
export const alarmLabel = (set: TemplateSet, catalogId: string, alarm: Found) =>
  String(alarm.props.AlarmName).slice(`${resourceNames(set.env).alarmPrefix}${catalogId}-`.length);

export interface AlarmRule {
  /** The threshold, or how to derive it for one alarm (`label`: the resource the alarm watches). */
  threshold: number | ((set: TemplateSet, alarm: Found, label: string) => number | undefined);
  comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold';
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  /** Metric name of a single-metric alarm, or every metric a metric-math alarm must read. */
  metrics: string[];
  expression?: string;
}

/** Problems of one alarm against the rule the requirement states. */
export function alarmProblems(set: TemplateSet, alarm: Found, rule: AlarmRule, label = ''): string[] {
  const p = alarm.props;
  const name = String(p.AlarmName);
  const problems: string[] = [];
  const expect = (what: string, actual: unknown, wanted: unknown) => {
    if (actual !== wanted) problems.push(`${name}: ${what} is ${String(actual)}, wanted ${String(wanted)}`);
  };
  expect(
    'threshold',
    p.Threshold,
    typeof rule.threshold === 'function' ? rule.threshold(set, alarm, label) : rule.threshold,
  );
  expect('comparison', p.ComparisonOperator, rule.comparison);
  expect('evaluation periods', p.EvaluationPeriods, rule.evaluationPeriods);
  expect('datapoints to alarm', p.DatapointsToAlarm ?? p.EvaluationPeriods, rule.datapointsToAlarm);
  if (rule.expression !== undefined) {
    const queries = (p.Metrics ?? []) as Json[];
    expect('expression', queries.find((q) => q.Expression)?.Expression, rule.expression);
    const stats = queries.filter((q) => q.MetricStat);
    const names = stats.map((q) => q.MetricStat.Metric.MetricName).sort();
    expect('metrics', names.join(','), [...rule.metrics].sort().join(','));
    for (const q of stats)
      expect(`period of ${q.MetricStat.Metric.MetricName}`, q.MetricStat.Period, rule.periodSeconds);
  } else {
    expect('metric', p.MetricName, rule.metrics[0]);
    expect('period', p.Period, rule.periodSeconds);
  }
  if (topicsReached(set, alarm).length === 0) problems.push(`${name}: notifies nobody`);
  return problems;
}

export interface DashboardMetric {
  dashboard: string;
  namespace: string;
  metricName: string;
  period: number | undefined;
  stat: string | undefined;
  /** Dimension values; references shown as `${ref:LogicalId}`. */
  dimensions: string[];
}

/** A template value as text, references kept as `${ref:LogicalId}` so they can be matched. */
function textWithRefs(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, Json>;
  if (v?.['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(textWithRefs).join(v['Fn::Join'][0]);
  if (v?.Ref) return `\${ref:${v.Ref}}`;
  if (v?.['Fn::GetAtt']) return `\${ref:${v['Fn::GetAtt'][0]}}`;
  return JSON.stringify(value);
}

export interface Dashboard {
  name: string;
  widgets: { type: string; properties: Record<string, Json> }[];
}

export function dashboardsOf(set: TemplateSet): Dashboard[] {
  return resourcesOf(set, 'AWS::CloudWatch::Dashboard').map((d) => {
    let widgets: Dashboard['widgets'] = [];
    try {
      widgets = JSON.parse(textWithRefs(d.props.DashboardBody)).widgets ?? [];
    } catch {
      // An unparsable body shows no widgets: the checks then fail and say so.
    }
    return { name: textWithRefs(d.props.DashboardName), widgets };
  });
}

/** Every metric plotted on the environment's dashboards, with its effective period and statistic. */
export function dashboardMetrics(set: TemplateSet): DashboardMetric[] {
  return dashboardsOf(set).flatMap((dashboard) =>
    dashboard.widgets
      .filter((w) => w.type === 'metric')
      .flatMap((w) =>
        ((w.properties.metrics ?? []) as unknown[][])
          .filter((m) => typeof m[0] === 'string' && m[0] !== '.')
          .map((m) => {
            const options = (typeof m.at(-1) === 'object' ? m.at(-1) : {}) as Record<string, Json>;
            const strings = m.filter((x): x is string => typeof x === 'string');
            return {
              dashboard: dashboard.name,
              namespace: strings[0]!,
              metricName: strings[1]!,
              period: options.period ?? w.properties.period,
              stat: options.stat ?? w.properties.stat,
              dimensions: strings.slice(2).filter((_, i) => i % 2 === 1),
            };
          }),
      ),
  );
}

/**
 * Resources of `type` in the environment's own stacks (logical ids) that no dashboard metric
 * `metricName` at `period` refers to, by reference or by name.
 */
export function unplotted(
  set: TemplateSet,
  type: string,
  namespace: string,
  metricName: string,
  period: number,
) {
  const plotted = dashboardMetrics(set).filter(
    (m) => m.namespace === namespace && m.metricName === metricName && m.period === period,
  );
  return resourcesOf({ ...set, stacks: ownStacks(set) }, type)
    .filter((r) => !plotted.some((m) => m.dimensions.some((d) => handlesOf(r).some((h) => d.includes(h)))))
    .map((r) => r.logicalId);
}
