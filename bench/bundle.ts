/**
 * `npm run bench:bundle`: every Lambda function (src/entry/*-lambda.ts) bundled with the settings
 * CDK deploys it with (serviceBundling in infra/constructs/service-function.ts, source maps as the
 * typed environment config defaults them) — its size (raw and gzipped, as the deployment zip carries
 * it), what is in it (esbuild's metafile, by package), and its cold initialisation time: importing it
 * in a fresh Node process with the function's environment, BENCH_RUNS times (default 9), the
 * functions interleaved run by run so a busy moment of the machine hits all of them alike.
 * Prints medians and ranges; asserts nothing. BENCH_SOURCE_MAPS=1 measures with source maps.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { EnvironmentConfig } from '../infra/config.ts';
import { SOURCE_MAP_ENVIRONMENT, serviceBundling } from '../infra/constructs/service-function.ts';
import { repositoryRoot } from '../infra/paths.ts';

const runs = Number(process.env.BENCH_RUNS ?? 9);
const sourceMaps =
  process.env.BENCH_SOURCE_MAPS === undefined
    ? EnvironmentConfig.shape.sourceMaps.parse(undefined)
    : process.env.BENCH_SOURCE_MAPS === '1';
const root = repositoryRoot();
const entries = readdirSync(join(root, 'src', 'entry'))
  .filter((f) => f.endsWith('-lambda.ts'))
  .sort()
  .map((f) => ({ name: f.replace(/-lambda\.ts$/, ''), entry: join(root, 'src', 'entry', f) }));

/**
 * The esbuild options CDK's NodejsFunction derives from the bundling settings (it runs the esbuild
 * CLI with --bundle and these flags). A setting this does not translate stops the benchmark, so it
 * never measures something other than what is deployed.
 */
function esbuildOptions(bundling: ReturnType<typeof serviceBundling>): BuildOptions {
  const known = new Set([
    'minify',
    'sourceMap',
    'target',
    'format',
    'mainFields',
    'bundleAwsSDK',
    'banner',
    'forceDockerBundling',
  ]);
  const unknown = Object.keys(bundling).filter((k) => !known.has(k));
  if (unknown.length)
    throw new Error(`bench:bundle does not translate bundling options: ${unknown.join(', ')}`);
  return {
    bundle: true,
    platform: 'node',
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    target: bundling.target,
    format: bundling.format,
    mainFields: bundling.mainFields,
    // bundleAwsSDK: true means no externals (false would mark @aws-sdk/* external).
    external: bundling.bundleAwsSDK ? [] : ['@aws-sdk/*'],
    banner: { js: bundling.banner },
    metafile: true,
    logLevel: 'silent',
  };
}

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
  SLACK_WEBHOOK_SECRET_ID: 'agenticai/dev/slack-webhook',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  ...(sourceMaps && SOURCE_MAP_ENVIRONMENT),
};

/** Output bytes by package (or by src/ folder), largest first. */
function byPackage(metafile: Metafile, top: number): string {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key =
        file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? file.split('/').slice(0, 2).join('/');
      sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...sizes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${k} ${Math.round(v / 1024)}`)
    .join(', ');
}

const out = mkdtempSync(join(tmpdir(), 'agenticai-bundle-'));
const options = esbuildOptions(serviceBundling(sourceMaps));
const built = [];
for (const { name, entry } of entries) {
  const outfile = join(out, name, 'index.mjs');
  const result = await build({ ...options, entryPoints: [entry], outfile });
  const probe = join(out, `${name}-probe.mjs`);
  writeFileSync(
    probe,
    `const t=performance.now();await import(${JSON.stringify(outfile)});console.log(performance.now()-t);`,
  );
  const code = readFileSync(outfile);
  built.push({
    name,
    probe,
    kb: statSync(outfile).size / 1024,
    gzipKb: gzipSync(code).length / 1024,
    contents: byPackage(result.metafile!, 6),
    times: [] as number[],
  });
}
// Interleaved: run r imports every function once before run r + 1 starts.
for (let r = 0; r < runs; r++) {
  for (const b of built) {
    b.times.push(Number(execFileSync(process.execPath, [b.probe], { env }).toString().trim()));
  }
}
rmSync(out, { recursive: true, force: true });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
console.log(
  `\nLambda bundles as deployed (source maps ${sourceMaps ? 'on' : 'off'}), ${runs} cold imports each, interleaved, Node ${process.version}\n`,
);
console.table(
  built.map((b) => ({
    function: b.name,
    'bundle KB': Math.round(b.kb),
    'gzip KB': Math.round(b.gzipKb),
    'init median ms': Math.round(median(b.times)),
    'init range ms': `${Math.round(Math.min(...b.times))}-${Math.round(Math.max(...b.times))}`,
  })),
);
for (const b of built) console.log(`${b.name}: largest parts (KB) ${b.contents}`);
console.log('\nAim: every function <= 300 KB and init median <= 80 ms.');
