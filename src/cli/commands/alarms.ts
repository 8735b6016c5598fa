// AWS SDK clients load on first use, so `alarms list|render` and --help stay quick.
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type {
  ListSubscriptionsByTopicCommandOutput,
  ListTopicsCommandOutput,
  SNSClient,
} from '@aws-sdk/client-sns';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { awsClientConfig } from '../../composition/admin.ts';
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
import type { GlobalOptions } from '../globals.ts';
import { createOutput, table } from '../output.ts';

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
      'set deployed alarms to ALARM, confirm delivery per channel (Slack acknowledged, email subscriptions confirmed), set them back (needs --env)',
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
      const [{ CloudWatchClient, SetAlarmStateCommand }, { CloudWatchLogsClient }, { SNSClient }] =
        await Promise.all([
          import('@aws-sdk/client-cloudwatch'),
          import('@aws-sdk/client-cloudwatch-logs'),
          import('@aws-sdk/client-sns'),
        ]);
      const cw = new CloudWatchClient(awsClientConfig(globals));
      const logs = new CloudWatchLogsClient(awsClientConfig(globals));
      const sns = new SNSClient(awsClientConfig(globals));
      const results: AlarmTestResult[] = [];
      try {
        const emailByTopic = new Map<string, Promise<ChannelResult>>();
        for (const alarm of targets) {
          const name = alarm.AlarmName!;
          const spec = parseAlarmName(name)?.spec;
          // Composite-paged alarms reach people through system-health, on the critical topic.
          const topic = resourceNames(env).topic(
            !spec || spec.severity === 'critical' || spec.paging === 'composite' ? 'critical' : 'general',
          );
          // Started now, awaited after the notifier's receipt: it must never reject unobserved.
          if (!emailByTopic.has(topic))
            emailByTopic.set(
              topic,
              emailChannel(sns, topic).catch((error: unknown) => ({
                ok: false,
                detail: `could not read the subscriptions of ${topic}: ${error instanceof Error ? error.message : String(error)}`,
              })),
            );
          const started = Date.now();
          await cw.send(
            new SetAlarmStateCommand({
              AlarmName: name,
              StateValue: 'ALARM',
              StateReason: 'agenticai alarms test: checking the alert path',
            }),
          );
          let receipt: NotifierReceipt = { received: false };
          try {
            receipt = await waitForReceipt(
              logs,
              resourceNames(env).notifierLogGroup,
              name,
              started,
              opts.timeout,
            );
          } finally {
            await cw.send(
              new SetAlarmStateCommand({
                AlarmName: name,
                StateValue: 'OK',
                StateReason: 'agenticai alarms test: done',
              }),
            );
          }
          const email = await emailByTopic.get(topic)!;
          const slack: ChannelResult = !receipt.received
            ? { ok: false, detail: `notifier never received it within ${opts.timeout}s` }
            : receipt.slack === 'posted'
              ? { ok: true, detail: 'posted (acknowledged by Slack)' }
              : receipt.slack === 'not_configured'
                ? { ok: true, detail: 'not configured (email only)' }
                : receipt.slack === 'failed'
                  ? { ok: false, detail: 'Slack refused or was unreachable' }
                  : { ok: false, detail: `no Slack outcome within ${opts.timeout}s` };
          results.push({
            alarm: name,
            topic,
            passed: receipt.received && slack.ok && email.ok,
            notifier: receipt.received,
            slack,
            email,
          });
        }
      } finally {
        cw.destroy();
        logs.destroy();
        sns.destroy();
      }
      createOutput(globals.json).print(
        table(
          ['alarm', 'topic', 'result', 'slack', 'email'],
          results.map((r) => [
            r.alarm,
            r.topic,
            r.passed ? 'pass' : 'FAIL',
            `${r.slack.ok ? '' : 'FAIL: '}${r.slack.detail}`,
            `${r.email.ok ? '' : 'FAIL: '}${r.email.detail}`,
          ]),
        ),
        results,
      );
      const failed = results.filter((r) => !r.passed).length;
      if (failed > 0)
        throw new CliError(`${failed} of ${results.length} alarms did not reach every channel`, EXIT.failure);
    });
}

interface ChannelResult {
  ok: boolean;
  detail: string;
}
interface AlarmTestResult {
  alarm: string;
  topic: string;
  passed: boolean;
  /** The notifier logged the alert's receipt. */
  notifier: boolean;
  slack: ChannelResult;
  email: ChannelResult;
}
type NotifierReceipt = { received: boolean; slack?: 'posted' | 'not_configured' | 'failed' };

/**
 * Waits for the notifier's lines about `alarm` (itself, or system-health triggered by it): its
 * receipt and then Slack's outcome (`slack_posted` is logged only once Slack answered 2xx).
 */
async function waitForReceipt(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  alarm: string,
  started: number,
  timeoutSeconds: number,
): Promise<NotifierReceipt> {
  const events = ['alert_received', 'slack_posted', 'slack_not_configured', 'slack_delivery_failed'];
  const filterPattern = `{ (${events.map((e) => `$.event = "${e}"`).join(' || ')}) && ($.alarm = "${alarm}" || $.triggeredBy = "${alarm}") }`;
  const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const receipt: NotifierReceipt = { received: false };
  while (Date.now() - started < timeoutSeconds * 1000) {
    await new Promise((r) => setTimeout(r, Number(process.env.AGENTICAI_ALARM_TEST_POLL_MS ?? 3000)));
    const { events: found = [] } = await logs.send(
      new FilterLogEventsCommand({ logGroupName, startTime: started - 1000, filterPattern }),
    );
    for (const e of found) {
      const event = (() => {
        try {
          return (JSON.parse(e.message ?? '{}') as { event?: string }).event;
        } catch {
          return undefined;
        }
      })();
      if (event === 'alert_received') receipt.received = true;
      if (event === 'slack_posted') receipt.slack = 'posted';
      if (event === 'slack_not_configured') receipt.slack ??= 'not_configured';
      if (event === 'slack_delivery_failed') receipt.slack ??= 'failed';
    }
    if (receipt.received && receipt.slack && receipt.slack !== 'failed') return receipt;
  }
  return receipt;
}

/** Email reaches people only through confirmed subscriptions (SNS ListSubscriptionsByTopic). */
async function emailChannel(sns: SNSClient, topicName: string): Promise<ChannelResult> {
  const { ListSubscriptionsByTopicCommand, ListTopicsCommand } = await import('@aws-sdk/client-sns');
  let topicArn: string | undefined;
  let token: string | undefined;
  do {
    const page: ListTopicsCommandOutput = await sns.send(new ListTopicsCommand({ NextToken: token }));
    topicArn = page.Topics?.find((t) => t.TopicArn?.endsWith(`:${topicName}`))?.TopicArn;
    token = page.NextToken;
  } while (!topicArn && token);
  if (!topicArn) return { ok: false, detail: `topic ${topicName} not found` };
  const subscriptions: { Protocol?: string; SubscriptionArn?: string }[] = [];
  token = undefined;
  do {
    const page: ListSubscriptionsByTopicCommandOutput = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }),
    );
    subscriptions.push(...(page.Subscriptions ?? []));
    token = page.NextToken;
  } while (token);
  const emails = subscriptions.filter((s) => s.Protocol === 'email');
  const confirmed = emails.filter((s) => s.SubscriptionArn?.startsWith('arn:'));
  if (emails.length === 0) return { ok: false, detail: 'no email subscription' };
  if (confirmed.length < emails.length)
    return {
      ok: false,
      detail: `${emails.length - confirmed.length} of ${emails.length} subscriptions pending confirmation`,
    };
  return {
    ok: true,
    detail: `${confirmed.length} confirmed subscription${confirmed.length === 1 ? '' : 's'}`,
  };
}
