import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { RECOVERY_PERMISSIONS } from '../../src/cli/commands/backup.ts';
import { createProgram } from '../../src/cli/program.ts';
import { ROOT } from '../support/server-process.ts';

const doc = readFileSync(join(ROOT, 'docs/RECOVERY.md'), 'utf8');
/** The lines of the doc's sh blocks, without comments. */
const shellLines = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1]!.split('\n'))
  .map((l) => l.replace(/\s+#.*$/, '').trim())
  .filter(Boolean);

/** Splits a shell line into words, honouring single quotes. */
const words = (line: string) => [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
const pascal = (kebab: string) =>
  kebab
    .split('-')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

// The AWS CLI's services as the AWS SDK for JavaScript names their clients.
const SDK_CLIENT: Record<string, string> = {
  dynamodb: '@aws-sdk/client-dynamodb',
  s3api: '@aws-sdk/client-s3',
};
/** The AWS CLI's own options, not the operation's. */
const AWS_CLI_GLOBALS = new Set(['query', 'region', 'profile', 'output']);

/** The input member names of an SDK command, read from the command's schema (structure: names at index 4). */
function inputMembers(Command: new (input: object) => { schema: unknown[] }): string[] {
  const input = (new Command({}).schema[4] as () => unknown[])();
  expect(input[0]).toBe(3); // a structure schema; if the SDK changes its schema format, this says so
  return input[4] as string[];
}

/** Walks the CLI's command tree along an `agenticai` line; returns what does not exist. */
function checkAgenticaiLine(argv: string[]): string[] {
  const problems: string[] = [];
  let cmd: Command = createProgram();
  const chain: Command[] = [cmd];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word.startsWith('--')) {
      const option = chain
        .flatMap((c) => c.options)
        .find((o) => o.long === word || o.long === word.split('=')[0]);
      if (!option) problems.push(`${cmd.name()} has no option ${word}`);
      else if ((option.required || option.optional) && !word.includes('=')) i++;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === word);
    if (sub) {
      cmd = sub;
      chain.push(sub);
    } else if (cmd.registeredArguments.length === 0) problems.push(`${cmd.name()} takes no argument ${word}`);
  }
  if (cmd.commands.length > 0) problems.push(`${cmd.name()} needs a subcommand`);
  return problems;
}

const awsLines = shellLines.filter((l) => l.startsWith('aws '));
const cliLines = shellLines.filter((l) => l.startsWith('npx agenticai '));

describe('R7.5 docs/RECOVERY.md: every command in it exists', () => {
  it('R7.5 the doc has the commands it describes (and no line this test does not check)', () => {
    expect(cliLines.length).toBeGreaterThanOrEqual(8);
    expect(awsLines.length).toBeGreaterThanOrEqual(5);
    expect(shellLines.filter((l) => !awsLines.includes(l) && !cliLines.includes(l))).toEqual([]);
  });

  it.each(cliLines)('R7.5 %s: commands and options the CLI has', (line) => {
    expect(checkAgenticaiLine(words(line).slice(2))).toEqual([]);
  });

  it.each(awsLines)('R7.5 %s: a service, operation and parameters the AWS SDK has', async (line) => {
    const [, service, operation, ...rest] = words(line);
    const pkg = SDK_CLIENT[service!];
    expect(pkg, `unknown service ${service}`).toBeDefined();
    const sdk = (await import(pkg!)) as Record<string, new (input: object) => { schema: unknown[] }>;
    const Command = sdk[`${pascal(operation!)}Command`];
    expect(Command, `${service} has no operation ${operation}`).toBeDefined();
    const members = inputMembers(Command!);
    const options = rest.filter((w) => w.startsWith('--')).map((w) => w.slice(2));
    for (const option of options.filter((o) => !AWS_CLI_GLOBALS.has(o)))
      expect(members, `${service} ${operation} has no parameter --${option}`).toContain(pascal(option));
  });

  it('R7.5 the doc lists every IAM action the commands name when AWS refuses one', () => {
    const actions = RECOVERY_PERMISSIONS.match(/\w+:\w+/g)!;
    expect(actions.length).toBeGreaterThanOrEqual(8);
    for (const action of actions) expect(doc).toContain(`\`${action}\``);
  });
});
