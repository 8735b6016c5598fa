/**
 * `npm run bench:bundle`: for each Lambda entry, the bundle CDK deploys (esbuild, minified, ESM,
 * AWS SDK included) — its size, and its cold initialisation time: importing it in a fresh Node
 * process with the function's environment, median of BENCH_RUNS (default 7). Asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const entries = {
  api: 'src/entry/api-lambda.ts',
  worker: 'src/entry/worker-lambda.ts',
  sweeper: 'src/entry/sweeper-lambda.ts',
};
const out = mkdtempSync(join(tmpdir(), 'agenticai-bundle-'));
// What the functions find in their environment in AWS (values only need the right shape).
const env = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AGENTICAI_MODE: 'aws',
  AGENTICAI_ENV: 'dev',
  DATA_TABLE_NAME: 'agenticai-dev-data',
  COUNTERS_TABLE_NAME: 'agenticai-dev-counters',
  ARTIFACT_BUCKET_NAME: 'agenticai-dev-artifacts',
  PEPPER_SECRET_ID: 'agenticai/dev/key-pepper',
  QUEUE_URL_PM: 'https://sqs.us-east-1.amazonaws.com/1/pm',
  QUEUE_URL_DEV: 'https://sqs.us-east-1.amazonaws.com/1/dev',
  QUEUE_URL_QA: 'https://sqs.us-east-1.amazonaws.com/1/qa',
  QUEUE_URL_OPS: 'https://sqs.us-east-1.amazonaws.com/1/ops',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

const rows = [];
for (const [name, entry] of Object.entries(entries)) {
  const outfile = join(out, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile,
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  const probe = join(out, `${name}-probe.mjs`);
  writeFileSync(
    probe,
    `const t=performance.now();await import(${JSON.stringify(outfile)});console.log(performance.now()-t);`,
  );
  const times = Array.from({ length: runs }, () =>
    Number(execFileSync(process.execPath, [probe], { env }).toString().trim()),
  );
  times.sort((a, b) => a - b);
  rows.push({
    function: name,
    'bundle KB': Math.round(statSync(outfile).size / 1024),
    'init median ms': Math.round(times[Math.floor(times.length / 2)]!),
    'init min ms': Math.round(times[0]!),
  });
}
rmSync(out, { recursive: true, force: true });
console.log(
  `\nLambda bundles (esbuild, minified, AWS SDK bundled), ${runs} cold imports each, Node ${process.version}\n`,
);
console.table(rows);
console.log('Aim: API function <= 500 KB and init <= 150 ms.');
