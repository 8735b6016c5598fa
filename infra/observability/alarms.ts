import {
  Alarm,
  AlarmRule,
  ComparisonOperator,
  CompositeAlarm,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { resourceNames } from '../../src/naming.ts';
import {
  type AlarmSpec,
  type AlarmTarget,
  alarmsKeptBy,
  type CostProfile,
  fill,
  type RenderedAlarm,
  RUNBOOK_URL,
  renderAlarm,
  type Scope,
  SYSTEM_HEALTH,
  specFor,
} from '../../src/observability/alarm-catalog.ts';
import type { MetricFactory } from './metric-factory.ts';
import { type AlertChannels, notify, topicFor } from './topics.ts';

const COMPARISON = {
  GreaterThanThreshold: ComparisonOperator.GREATER_THAN_THRESHOLD,
  GreaterThanOrEqualToThreshold: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  LessThanThreshold: ComparisonOperator.LESS_THAN_THRESHOLD,
} as const;
const MISSING = {
  notBreaching: TreatMissingData.NOT_BREACHING,
  breaching: TreatMissingData.BREACHING,
  missing: TreatMissingData.MISSING,
  ignore: TreatMissingData.IGNORE,
} as const;

export interface CatalogAlarmsProps {
  readonly envName: string;
  /** The resources each scope's alarms are created for. */
  readonly targets: Readonly<Record<Scope, readonly AlarmTarget[]>>;
  readonly metrics: MetricFactory;
  readonly channels: AlertChannels;
  /**
   * Where the runbook lives; descriptions link to its sections.
   * @default RUNBOOK_URL
   */
  readonly runbookUrl?: string;
  /** Which alarms (the catalog's `profiles`) and whether the composite exist. @default 'full' */
  readonly profile?: CostProfile;
  /** @default the alarms `profile` keeps */
  readonly catalog?: readonly AlarmSpec[];
}

export interface CatalogAlarms {
  readonly alarms: { rendered: RenderedAlarm; target: AlarmTarget; alarm: Alarm }[];
  /** Undefined in profiles without the composite (their alarms page directly). */
  readonly systemHealth?: CompositeAlarm;
}

/**
 * Every alarm of the catalog bound to this environment's resources, plus the composite
 * `system-health` over the alarms that page through it. Names, thresholds and descriptions are the
 * catalog's renderings (`renderAlarm`). Created directly in `scope` so construct ids (and with them
 * the logical ids of named alarms) stay stable.
 */
/**
 * One catalog alarm bound to one resource, notifying its channel unless it pages only through the
 * composite. Stacks without a composite (the account stack) use it for the few alarms they need.
 */
export function catalogAlarm(
  scope: Construct,
  spec: AlarmSpec,
  target: AlarmTarget,
  props: Pick<CatalogAlarmsProps, 'envName' | 'metrics' | 'channels' | 'runbookUrl'> & {
    /** Without a composite, alarms that would page through it page directly. @default true */
    composite?: boolean;
  },
): CatalogAlarms['alarms'][number] {
  const rendered = renderAlarm(spec, target, {
    env: props.envName,
    runbookUrl: props.runbookUrl ?? RUNBOOK_URL,
  });
  const alarm = new Alarm(scope, `${spec.id}-${target.resource}`, {
    alarmName: rendered.alarmName,
    alarmDescription: rendered.description,
    metric: props.metrics.forAlarm(specFor(spec, target), { ...target.values, env: props.envName }),
    threshold: rendered.threshold,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    comparisonOperator: COMPARISON[spec.comparison],
    treatMissingData: MISSING[spec.treatMissingData],
  });
  const topic = topicFor(props.composite === false ? { ...spec, paging: 'direct' } : spec, props.channels);
  if (topic) notify(alarm, topic);
  return { rendered, target, alarm };
}

export function createCatalogAlarms(scope: Construct, props: CatalogAlarmsProps): CatalogAlarms {
  const alarms: CatalogAlarms['alarms'] = [];
  const runbookUrl = props.runbookUrl ?? RUNBOOK_URL;
  const profile = props.profile ?? 'full';
  const composite = SYSTEM_HEALTH.profiles.includes(profile);
  for (const spec of props.catalog ?? alarmsKeptBy(profile)) {
    for (const target of props.targets[spec.scope]) {
      alarms.push(catalogAlarm(scope, spec, target, { ...props, runbookUrl, composite }));
    }
  }
  if (!composite) return { alarms };
  const covered = alarms.filter((a) => a.rendered.spec.paging === 'composite').map((a) => a.alarm);
  const systemHealth = new CompositeAlarm(scope, 'SystemHealth', {
    compositeAlarmName: `${resourceNames(props.envName).alarmPrefix}${SYSTEM_HEALTH.id}`,
    alarmDescription: `[${SYSTEM_HEALTH.severity}] C ${fill(SYSTEM_HEALTH.description, { env: props.envName })} Runbook: ${runbookUrl}#${SYSTEM_HEALTH.runbookAnchor}`,
    alarmRule: AlarmRule.anyOf(...covered),
  });
  notify(systemHealth, props.channels.critical);
  return { alarms, systemHealth };
}
