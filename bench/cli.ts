/**
 * `npm run bench:cli`: how long `agenticai` commands take, wall clock from spawn to exit, as a user
 * runs them (node bin/agenticai.mjs), on a fresh local data dir with one key. Each command runs
 * BENCH_RUNS times (default 15) from the compiled build (made first, as `npm ci` does), and again
 * with AGENTICAI_NO_BUILD=1 (compiling TypeScript at run time, the fallback when the build is stale).
 * Prints the median and range of wall time, and the median CPU time (user + system, from
 * /usr/bin/time when present): on a busy machine wall time mostly measures the other processes,
 * CPU time much less so. Asserts nothing. Figures: docs/PERFORMANCE.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDist } from '../scripts/build.mjs';

const root = resolve(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const dataDir = mkdtempSync(join(tmpdir(), 'agenticai-bench-cli-'));
const commands = [['--help'], ['--version'], ['keys', 'list'], ['status']];

await buildDist();
const TIME = '/usr/bin/time';
const timed = existsSync(TIME);
const cli = (args: string[], env: Record<string, string> = {}) => {
  const command = [process.execPath, join(root, 'bin/agenticai.mjs'), ...args];
  const res = spawnSync(
    timed ? TIME : command[0]!,
    timed ? ['-f', 'cpu %U %S', ...command] : command.slice(1),
    {
      cwd: root,
      env: { ...process.env, AGENTICAI_DATA_DIR: dataDir, ...env },
      encoding: 'utf8',
    },
  );
  const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(res.stderr);
  return { ...res, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN };
};

try {
  const created = cli(['keys', 'create', '--name', 'bench']);
  if (created.status !== 0) throw new Error(`keys create failed: ${created.stderr}`);
  console.log(`node ${process.version}, ${runs} runs each, load average ${loadavg()[0]!.toFixed(2)}`);
  console.log('wall: median (min-max) ms; cpu: median ms (user + system)');
  console.log(`${'command'.padEnd(24)}${'compiled build'.padEnd(30)}compiling at run time (tsx)`);
  for (const args of commands) {
    const time = (env: Record<string, string>) => {
      const samples: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = process.hrtime.bigint();
        const res = cli(args, env);
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
        cpu.push(res.cpuMs);
        if (res.status !== 0)
          throw new Error(`agenticai ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      samples.sort((a, b) => a - b);
      const range = `${samples[0]!.toFixed(0)}-${samples.at(-1)!.toFixed(0)}`;
      return `${median(samples).toFixed(0).padStart(5)} (${range}) cpu ${median(cpu).toFixed(0)}`;
    };
    const built = time({});
    const compiled = time({ AGENTICAI_NO_BUILD: '1' });
    console.log(`${`agenticai ${args.join(' ')}`.padEnd(24)}${built.padEnd(30)}${compiled}`);
  }
  console.log(
    `git ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()}`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
