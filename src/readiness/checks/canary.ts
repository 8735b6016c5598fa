import { resourceNames } from '../../naming.ts';
import { fail, pass, type TemplateCheck } from '../check.ts';
import { type Json, referencedIds, resourcesOf } from '../template-set.ts';
import { alarmsOf } from './helpers.ts';

export const canarySchedule: TemplateCheck = {
  id: 'canary',
  requirements: ['R11.1'],
  description: 'a Synthetics canary runs every 5 minutes',
  run(set) {
    const canaries = resourcesOf(set, 'AWS::Synthetics::Canary');
    if (canaries.length === 0) return fail('no Synthetics canary');
    const slow = canaries.filter((c) => c.props.Schedule?.Expression !== 'rate(5 minutes)');
    return slow.length > 0
      ? fail(slow.map((c) => `${c.props.Name}: ${c.props.Schedule?.Expression}`).join('; '))
      : pass(`${canaries.map((c) => `${c.props.Name} (${c.stack})`).join(', ')} every 5 minutes`);
  },
};

export const canaryAlarm: TemplateCheck = {
  id: 'canary-alarm',
  requirements: ['R11.2'],
  description: 'two consecutive canary failures raise an alarm',
  alarms: ['canary-failed'],
  run(set) {
    const alarms = resourcesOf(set, 'AWS::CloudWatch::Alarm').filter(
      (a) =>
        a.props.Namespace === 'CloudWatchSynthetics' ||
        JSON.stringify(a.props.Metrics ?? '').includes('CloudWatchSynthetics'),
    );
    const two = alarms.filter(
      (a) => a.props.EvaluationPeriods === 2 && (a.props.DatapointsToAlarm ?? 2) === 2,
    );
    return two.length > 0
      ? pass(two.map((a) => a.props.AlarmName).join(', '))
      : fail('no alarm on 2 consecutive canary failures');
  },
};

export const canaryRegions: TemplateCheck = {
  id: 'canary-regions',
  requirements: ['R11.5'],
  description:
    'a canary in every region of canaryRegions: the main one in the environment stack, each other one in its canary stack, each with its alarm',
  run(set) {
    const names = resourceNames(set.env);
    const main = set.stacks.find((s) => s.stackName === names.stack);
    const outputs = (main?.template as { Outputs?: Record<string, Json> } | undefined)?.Outputs ?? {};
    const listed = outputs[names.canaryRegionsOutput]?.Value;
    if (typeof listed !== 'string') return fail(`no ${names.canaryRegionsOutput} output in ${names.stack}`);
    const regions = listed.split(',');
    // A region's canary: the catalog names its alarm after the region, in the stack the canary is in.
    const alarms = alarmsOf(set, 'canary-failed');
    const canaries = resourcesOf(set, 'AWS::Synthetics::Canary');
    const found = (region: string) =>
      alarms.find((a) => {
        if (a.props.AlarmName !== `${names.alarmPrefix}canary-failed-${region}`) return false;
        const stackOk = a.stack === names.stack || a.stack === names.canaryStack(region);
        const target = referencedIds(a.props.Dimensions);
        return stackOk && canaries.some((c) => c.stack === a.stack && target.includes(c.logicalId));
      });
    const missing = regions.filter((r) => !found(r));
    return missing.length > 0
      ? fail(`no canary with its alarm in ${missing.join(', ')} (canaryRegions: ${regions.join(', ')})`)
      : pass(regions.map((r) => `${r} (${found(r)!.stack})`).join(', '));
  },
};
