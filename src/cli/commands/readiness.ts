import { type Command, Option } from 'commander';
import { awsClientConfig } from '../../composition/admin.ts';
import { resourceNames } from '../../naming.ts';
import {
  buildReport,
  evidenceLines,
  type LiveOutcome,
  type ReadinessReport,
  renderMarkdown,
  runLiveChecks,
  summaryLine,
} from '../../readiness/report.ts';
import { requirementById } from '../../readiness/requirements.ts';
import { synthesizeTemplates } from '../../readiness/synthesize.ts';
import { readCloudAssembly, type StackTemplate, templateSetFor } from '../../readiness/template-set.ts';
import type { TestIndex } from '../../readiness/test-report.ts';
import { CliError, EXIT } from '../errors.ts';
import type { GlobalOptions } from '../globals.ts';
import { table } from '../output.ts';

/** `agenticai readiness` exits 3 when a required item fails: "not ready", distinct from 1 and 2. */
export const EXIT_NOT_READY = 3;

interface ReadinessOptions {
  format?: 'table' | 'json' | 'md';
  tests?: string;
  templates?: string;
  strict: boolean;
  only?: string[];
  live: boolean;
}

const clip = (line: string, width = 90) => (line.length > width ? `${line.slice(0, width - 1)}…` : line);

export function renderTable(report: ReadinessReport): string {
  return [
    table(
      ['ID', 'requirement', 'status', 'evidence'],
      report.requirements.map((r) => [
        r.id,
        clip(r.title, 32),
        r.status,
        evidenceLines(r)
          .map((l) => clip(l))
          .join('\n') || '—',
      ]),
    ),
    summaryLine(report),
  ].join('\n');
}

export function registerReadiness(program: Command) {
  program
    .command('readiness')
    .description(
      'is an environment production-ready, and what proves it: checks on the synthesized templates, and the tests naming each requirement',
    )
    .addOption(
      new Option('--format <format>', 'output format (--json means json)').choices(['table', 'json', 'md']),
    )
    .option(
      '--tests <file>',
      'a vitest JSON report (vitest run --reporter=json --outputFile=<file>) to count tests per requirement',
    )
    .option(
      '--templates <dir>',
      'read a synthesized cloud assembly (cdk.out) instead of synthesizing in-process',
    )
    .option(
      '--live',
      'also check the deployed environment with read-only AWS calls (--region/--profile)',
      false,
    )
    .option('--strict', 'also fail on requirements not built or without evidence', false)
    .option('--only <ids>', 'only these requirements (comma-separated, e.g. R7.1,R8.1,C5)', (value: string) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .action(async (opts: ReadinessOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      if (globals.env === 'local') {
        throw new CliError(
          'readiness checks a deployed environment: --env dev, staging or production',
          EXIT.usage,
        );
      }
      const env = globals.env ?? 'production';
      const format = opts.format ?? (globals.json ? 'json' : 'table');
      let tests: TestIndex | undefined;
      // Loaded here: its schema (zod) would slow every other command's start.
      const { readTestReport, TestReportError } = await import('../../readiness/test-report.ts');
      try {
        tests = opts.tests ? readTestReport(opts.tests) : undefined;
      } catch (error) {
        if (error instanceof TestReportError) throw new CliError(error.message, EXIT.usage);
        throw error;
      }
      let stacks: StackTemplate[];
      try {
        stacks = opts.templates ? readCloudAssembly(opts.templates) : await synthesizeTemplates();
      } catch (error) {
        throw new CliError((error as Error).message, EXIT.failure);
      }
      const set = templateSetFor(env, stacks);
      if (!set.stacks.some((s) => s.stackName.startsWith(resourceNames(env).stack))) {
        throw new CliError(
          `no stack of environment ${env} in the templates (found ${stacks.map((s) => s.stackName).join(', ') || 'none'})`,
        );
      }
      const unknown = (opts.only ?? []).filter((id) => !requirementById(id));
      if (unknown.length > 0)
        throw new CliError(
          `unknown requirement ${unknown.join(', ')} (see docs/REQUIREMENTS.md)`,
          EXIT.usage,
        );
      let live: LiveOutcome[] | undefined;
      if (opts.live) {
        // Loaded only with --live: the AWS SDK clients stay out of every other command's start-up.
        const [{ openLiveContext }, { LIVE_CHECKS }] = await Promise.all([
          import('../../readiness/live/context.ts'),
          import('../../readiness/live/index.ts'),
        ]);
        // Credentials problems surface here, once, as the CLI's usual AWS hint.
        const ctx = await openLiveContext(set, awsClientConfig(globals));
        try {
          live = await runLiveChecks(ctx, LIVE_CHECKS, opts.only);
        } finally {
          ctx.close();
        }
      }
      const report = buildReport(set, { tests, strict: opts.strict, only: opts.only, live });
      const text =
        format === 'json'
          ? JSON.stringify(report, null, 2)
          : format === 'md'
            ? renderMarkdown(report)
            : renderTable(report);
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      if (!report.ok) throw new CliError(`not ready: ${summaryLine(report)}`, EXIT_NOT_READY);
    });
}
