/**
 * `npm run smoke -- --env staging`: the pipeline's post-deploy check until the canary (issue 14)
 * replaces it. GETs the deployed API's /health (URL from the outputs file `npm run deploy` wrote)
 * with the key in AGENTICAI_SMOKE_API_KEY; passes on 200 with status "ok". A few attempts, because
 * a just-updated stage can answer from the previous deployment for some seconds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resourceNames } from '../../src/naming.ts';
import { apiUrl } from '../deploy-steps.ts';
import { ENVIRONMENT_NAMES } from '../environments.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const ATTEMPTS = 5;
const PAUSE_MS = 10_000;

export async function smoke(opts: {
  env: string;
  outputsFile: string;
  apiKey: string | undefined;
  attempts?: number;
  pauseMs?: number;
  log?: (line: string) => void;
}): Promise<boolean> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (!opts.apiKey) {
    log('smoke: AGENTICAI_SMOKE_API_KEY is not set (the GitHub environment secret holding an API key)');
    return false;
  }
  const outputs = existsSync(opts.outputsFile) ? JSON.parse(readFileSync(opts.outputsFile, 'utf8')) : {};
  const base = apiUrl(outputs, resourceNames(opts.env).stack);
  if (!base) {
    log(`smoke: no API endpoint in ${opts.outputsFile} (run npm run deploy -- --env ${opts.env} first)`);
    return false;
  }
  const url = new URL('health', base.endsWith('/') ? base : `${base}/`);
  const attempts = opts.attempts ?? ATTEMPTS;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let outcome: string;
    try {
      const response = await fetch(url, {
        headers: { 'X-API-Key': opts.apiKey },
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json().catch(() => ({}))) as { status?: string; version?: string };
      if (response.status === 200 && body.status === 'ok') {
        log(`smoke: ${url} ok (version ${body.version ?? 'unknown'}, attempt ${attempt})`);
        return true;
      }
      outcome = `HTTP ${response.status}${body.status ? `, status ${body.status}` : ''}`;
    } catch (error) {
      outcome = error instanceof Error ? error.message : String(error);
    }
    log(`smoke: ${url} attempt ${attempt}/${attempts}: ${outcome}`);
    if (attempt < attempts) await sleep(opts.pauseMs ?? PAUSE_MS);
  }
  return false;
}

if (process.argv[1] === import.meta.filename) {
  const args = process.argv.slice(2);
  const env = args[args.indexOf('--env') + 1];
  if (!args.includes('--env') || !env || !(ENVIRONMENT_NAMES as readonly string[]).includes(env)) {
    process.stderr.write(`usage: npm run smoke -- --env ${ENVIRONMENT_NAMES.join('|')}\n`);
    process.exit(2);
  }
  const ok = await smoke({
    env,
    outputsFile: join(ROOT, 'cdk.out', `outputs-${env}.json`),
    apiKey: process.env.AGENTICAI_SMOKE_API_KEY?.trim(),
  });
  process.exit(ok ? 0 : 1);
}
