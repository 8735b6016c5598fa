import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { resourceNames } from '../../naming.ts';
import { parseAlert, toSlack, toText } from '../../notifier/format.ts';
import {
  ALARM_CATALOG,
  type AlarmSpec,
  parseAlarmName,
  renderAlarm,
} from '../../observability/alarm-catalog.ts';
import { sampleAlarmMessage, sampleResource, sampleTarget } from '../../observability/sample-alarm.ts';
import { CliError, EXIT } from '../errors.ts';
import { createOutput, table } from '../output.ts';
import type { GlobalOptions } from '../program.ts';
import { awsClientConfig } from '../run.ts';

function parseAlarmId(value: string): string {
  if (!ALARM_CATALOG.some((a) => a.id === value)) {
    throw new InvalidArgumentError(`unknown alarm; one of ${ALARM_CATALOG.map((a) => a.id).join(', ')}`);
  }
  return value;
}

const describeMetric = (spec: AlarmSpec) =>
  'expression' in spec.metric
    ? spec.metric.expression
    : `${spec.metric.namespace} ${spec.metric.metricName} (${spec.metric.statistic})`;
const describeRule = (spec: AlarmSpec) => {
  const resource = sampleResource(spec.scope, 'production');
  return renderAlarm(spec, sampleTarget('production', resource, 'us-east-1'), { env: 'production' }).rule;
};

async function deployedAlarms(globals: GlobalOptions, env: string): Promise<MetricAlarm[]> {
  // The AWS SDK loads only for the commands that call AWS, so `--help` stays light.
  const { CloudWatchClient, DescribeAlarmsCommand } = await import('@aws-sdk/client-cloudwatch');
  const cw = new CloudWatchClient(awsClientConfig(globals));
  try {
    const alarms: MetricAlarm[] = [];
    let token: string | undefined;
    do {
      const page = await cw.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: resourceNames(env).alarmPrefix,
          AlarmTypes: ['MetricAlarm'],
          NextToken: token,
        }),
      );
      alarms.push(...(page.MetricAlarms ?? []));
      token = page.NextToken;
    } while (token);
    return alarms;
  } finally {
    cw.destroy();
  }
}

const catalogIdOf = (alarmName: string, env: string) => {
  const parsed = parseAlarmName(alarmName);
  return parsed?.env === env ? parsed.spec.id : undefined;
};

export function registerAlarms(program: Command) {
  const alarms = program
    .command('alarms')
    .description('the alarm catalog, its live state, and end-to-end alert tests');

  alarms
    .command('list')
    .description('every alarm of the catalog; with --env, each deployed alarm and its state')
    .action(async (_opts: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = createOutput(globals.json);
      if (!globals.env || globals.env === 'local') {
        out.print(
          table(
            ['alarm', 'req', 'severity', 'per', 'metric', 'alarms when'],
            ALARM_CATALOG.map((a) => [
              a.id,
              a.requirement,
              a.severity,
              a.scope,
              describeMetric(a),
              describeRule(a),
            ]),
          ),
          ALARM_CATALOG,
        );
        return;
      }
      const live = await deployedAlarms(globals, globals.env);
      const rows = live.map((a) => ({
        name: a.AlarmName ?? '',
        catalogId: catalogIdOf(a.AlarmName ?? '', globals.env!) ?? null,
        state: a.StateValue ?? 'UNKNOWN',
        since: a.StateUpdatedTimestamp?.toISOString() ?? null,
      }));
      out.print(
        rows.length === 0
          ? `No alarms named ${resourceNames(globals.env).alarmPrefix}* in this account and region: is ${globals.env} deployed here?`
          : table(
              ['alarm', 'state', 'since'],
              rows.map((r) => [r.name, r.state, r.since ?? '-']),
            ),
        rows,
      );
    });

  alarms
    .command('render')
    .description(
      'print the Slack and email message an alarm would produce (offline, from the recorded payload shape)',
    )
    .requiredOption('--alarm <id>', 'a catalog alarm id', parseAlarmId)
    .option('--resource <label>', 'the resource label in the alarm name (api, worker, data, pm-dlq…)')
    .action(async (opts: { alarm: string; resource?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const spec = ALARM_CATALOG.find((a) => a.id === opts.alarm)!;
      const env = globals.env && globals.env !== 'local' ? globals.env : 'production';
      const resource = opts.resource ?? sampleResource(spec.scope, env);
      const sample = sampleAlarmMessage(spec, { env, region: globals.region ?? 'us-east-1', resource });
      const alert = parseAlert(sample.subject, sample.message);
      const slack = toSlack(alert);
      createOutput(globals.json).print(
        [
          '--- Slack (Block Kit) ---',
          JSON.stringify(slack, null, 2),
          '',
          '--- Email / text ---',
          toText(alert),
        ].join('\n'),
        { alert, slack, text: toText(alert) },
      );
    });

  alarms
    .command('test')
    .description(
      'set deployed alarms to ALARM, confirm the notifier received each, then set them back (needs --env)',
    )
    .addOption(
      new Option('--alarm <id>', 'test the deployed alarms of this catalog id').argParser(parseAlarmId),
    )
    .option('--all', 'test every deployed alarm')
    .option(
      '--timeout <seconds>',
      'how long to wait for the notifier per alarm',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 600)
          throw new InvalidArgumentError('expected 1 to 600 seconds');
        return n;
      },
      60,
    )
    .action(async (opts: { alarm?: string; all?: boolean; timeout: number }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      if (!globals.env || globals.env === 'local')
        throw new CliError(
          'alarms test needs a deployed environment: --env dev|staging|production',
          EXIT.usage,
        );
      if (!opts.alarm === !opts.all) throw new CliError('say which: --alarm ID or --all', EXIT.usage);
      const env = globals.env;
      const targets = (await deployedAlarms(globals, env)).filter(
        (a) => opts.all || catalogIdOf(a.AlarmName ?? '', env) === opts.alarm,
      );
      if (targets.length === 0)
        throw new CliError(`no deployed alarms match in ${env}; is it deployed in this account and region?`);
      const [{ CloudWatchClient, SetAlarmStateCommand }, { CloudWatchLogsClient, FilterLogEventsCommand }] =
        await Promise.all([import('@aws-sdk/client-cloudwatch'), import('@aws-sdk/client-cloudwatch-logs')]);
      const cw = new CloudWatchClient(awsClientConfig(globals));
      const logs = new CloudWatchLogsClient(awsClientConfig(globals));
      const results: { alarm: string; passed: boolean; detail: string }[] = [];
      try {
        for (const alarm of targets) {
          const name = alarm.AlarmName!;
          const started = Date.now();
          await cw.send(
            new SetAlarmStateCommand({
              AlarmName: name,
              StateValue: 'ALARM',
              StateReason: 'agenticai alarms test: checking the alert path',
            }),
          );
          let received = false;
          while (!received && Date.now() - started < opts.timeout * 1000) {
            await new Promise((r) => setTimeout(r, Number(process.env.AGENTICAI_ALARM_TEST_POLL_MS ?? 3000)));
            const { events = [] } = await logs.send(
              new FilterLogEventsCommand({
                logGroupName: resourceNames(env).notifierLogGroup,
                startTime: started - 1000,
                filterPattern: `{ $.event = "alert_received" && $.alarm = "${name}" }`,
              }),
            );
            received = events.length > 0;
          }
          await cw.send(
            new SetAlarmStateCommand({
              AlarmName: name,
              StateValue: 'OK',
              StateReason: 'agenticai alarms test: done',
            }),
          );
          results.push({
            alarm: name,
            passed: received,
            detail: received
              ? 'notifier received the alert'
              : `no alert_received line within ${opts.timeout}s`,
          });
        }
      } finally {
        cw.destroy();
        logs.destroy();
      }
      createOutput(globals.json).print(
        [
          table(
            ['alarm', 'result', 'detail'],
            results.map((r) => [r.alarm, r.passed ? 'pass' : 'FAIL', r.detail]),
          ),
          'Email delivery needs each subscription confirmed (the link AWS sends once); this test proves the path up to the notifier.',
        ].join('\n'),
        results,
      );
      const failed = results.filter((r) => !r.passed).length;
      if (failed > 0) {
        throw new CliError(
          `${failed} of ${results.length} alarm(s) did not reach the notifier`,
          EXIT.failure,
        );
      }
    });
}
