import { type Command, InvalidArgumentError } from 'commander';
import { systemClock } from '../../app/ports.ts';
import type { PipelineTarget } from '../../composition/pipeline-target.ts';
import { isProjectId } from '../../domain/ids.ts';
import { type Project, STAGES, type Stage } from '../../domain/project.ts';
import { CliError } from '../errors.ts';
import type { GlobalOptions } from '../globals.ts';
import { type Output, table } from '../output.ts';
import { parseClientId } from '../parse.ts';
import { actionWith } from '../run.ts';

// Loaded per command, so `--help` stays light (the store and the AWS SDK load only when used).
const openPipelineTarget = async (globals: GlobalOptions) =>
  (await import('../../composition/pipeline-target.ts')).openPipelineTarget(globals);

function parseStage(value: string): Stage {
  if (!STAGES.includes(value as Stage))
    throw new InvalidArgumentError(`expected one of ${STAGES.join(', ')}`);
  return value as Stage;
}

function parseProjectId(value: string): string {
  if (!isProjectId(value)) throw new InvalidArgumentError('expected a project id (26 characters)');
  return value;
}

function withTarget<T extends unknown[]>(
  action: (t: PipelineTarget, out: Output, ...args: T) => Promise<void>,
) {
  return actionWith<PipelineTarget, T>(openPipelineTarget, action);
}

const describeStatus = (p: Project) =>
  p.status === 'failed' && p.failure ? `failed at ${p.failure.stage}` : p.status;

export function registerProjects(program: Command) {
  const projects = program.command('projects').description('inspect projects and retry failed ones');

  projects
    .command('list')
    .description('newest projects per client (all clients unless --client)')
    .option('--client <clientId>', 'only this client', parseClientId)
    .option(
      '--limit <n>',
      'projects per client (1-100)',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('expected 1 to 100');
        return n;
      },
      20,
    )
    .action(
      withTarget<[{ client?: string; limit: number }]>(async (t, out, opts) => {
        const clients = opts.client ? [opts.client] : await t.listClientIds();
        const items: Project[] = [];
        for (const clientId of clients)
          items.push(...(await t.projects.list(clientId, { limit: opts.limit })).items);
        items.sort((a, b) => (a.id < b.id ? 1 : -1));
        out.print(
          items.length === 0
            ? 'No projects.'
            : table(
                ['project', 'client', 'name', 'status', 'updated'],
                items.map((p) => [p.id, p.clientId, p.name, describeStatus(p), p.updatedAt]),
              ),
          items,
        );
      }),
    );

  projects
    .command('show')
    .description('one project with its stage history')
    .argument('<projectId>', 'the project id', parseProjectId)
    .requiredOption('--client <clientId>', 'the owning client', parseClientId)
    .action(
      withTarget<[string, { client: string }]>(async (t, out, projectId, opts) => {
        const project = await t.projects.get(opts.client, projectId);
        if (!project) throw new CliError(`project ${projectId} of client ${opts.client} does not exist`);
        out.print(
          [
            `${project.name} (${project.type}) — ${describeStatus(project)}`,
            project.failure ? `reason: ${project.failure.reason}` : undefined,
            table(
              ['stage', 'status', 'attempts', 'duration ms', 'provider', 'error'],
              project.history.map((h) => [
                h.stage + (h.outcome ? ' (sent back)' : ''),
                h.status,
                String(h.attempts),
                String(h.durationMs ?? '-'),
                h.provider ?? '-',
                h.error ?? '',
              ]),
            ),
          ]
            .filter(Boolean)
            .join('\n'),
          project,
        );
      }),
    );

  projects
    .command('retry')
    .description('re-queue a failed project from the stage that failed')
    .argument('<projectId>', 'the project id', parseProjectId)
    .requiredOption('--client <clientId>', 'the owning client', parseClientId)
    .action(
      withTarget<[string, { client: string }]>(async (t, out, projectId, opts) => {
        const { retryProject } = await import('../../app/pipeline.ts');
        const result = await retryProject(
          { repo: t.projects, queue: t.queue, clock: systemClock, slots: t.slots },
          { clientId: opts.client, projectId, correlationId: `cli-retry-${Date.now()}` },
        );
        if (result.outcome === 'not_failed') {
          throw new CliError(
            `project ${projectId} is ${result.project.status}, not failed; nothing to retry`,
          );
        }
        if (result.outcome !== 'requeued') {
          throw new CliError(
            result.outcome === 'not_found'
              ? `project ${projectId} of client ${opts.client} does not exist`
              : `project ${projectId} changed while retrying; look at it again`,
          );
        }
        out.print(`Re-queued ${projectId} at stage ${result.project.status}.`, result.project);
      }),
    );
}

export function registerDlq(program: Command) {
  const dlq = program.command('dlq').description("stage queues' dead letters");

  dlq
    .command('list')
    .description('dead letters of one stage, or a count per stage')
    .argument('[stage]', `one of ${STAGES.join(', ')}`, parseStage)
    .action(
      withTarget<[Stage | undefined]>(async (t, out, stage) => {
        if (!stage) {
          const counts = Object.fromEntries(
            await Promise.all(STAGES.map(async (s) => [s, await t.deadLetters.count(s)] as const)),
          );
          out.print(
            table(
              ['stage', 'dead letters'],
              STAGES.map((s) => [s, String(counts[s])]),
            ),
            counts,
          );
          return;
        }
        const items = await t.deadLetters.list(stage);
        out.print(
          items.length === 0
            ? `No dead letters for ${stage}.`
            : table(
                ['message', 'project', 'receives', 'failed at', 'error'],
                items.map((m) => [
                  m.id,
                  String((m.body as { projectId?: string })?.projectId ?? '?'),
                  String(m.receiveCount ?? '?'),
                  m.failedAt ?? '-',
                  m.error ?? '',
                ]),
              ),
          items,
        );
      }),
    );

  dlq
    .command('redrive')
    .description("move a stage's dead letters back to its queue")
    .argument('<stage>', `one of ${STAGES.join(', ')}`, parseStage)
    .action(
      withTarget<[Stage]>(async (t, out, stage) => {
        const message = await t.deadLetters.redrive(stage);
        out.print(message, { stage, result: message });
      }),
    );
}
