import { resourceNames } from '../src/naming.ts';

/**
 * What `npm run deploy -- --env X` prints after CDK finishes: the API URL (the REST API's
 * `Endpoint` output, read from CDK's --outputs-file) and the next steps of docs/DEPLOYMENT.md.
 */
export function apiUrl(
  outputs: Record<string, Record<string, string>>,
  stackName: string,
): string | undefined {
  const stack = outputs[stackName] ?? {};
  return Object.entries(stack).find(
    ([key, value]) => /Endpoint/.test(key) && value.startsWith('https://'),
  )?.[1];
}

export function nextSteps(env: string, region: string, url: string | undefined): string {
  return [
    '',
    `AgenticAI ${env} is deployed in ${region}.`,
    `API: ${url ?? '(no API endpoint output found; see the agenticai-' + env + ' stack outputs)'}`,
    '',
    'Next steps (docs/DEPLOYMENT.md):',
    '  1. Confirm the "AWS Notification - Subscription Confirmation" email at every administrator address;',
    '     alarms and budget alerts are not delivered until then (agenticai doctor shows what is pending).',
    `  2. First API key:   npx agenticai --env ${env} --region ${region} keys create --name first-client`,
    `  3. Alert delivery:  npx agenticai --env ${env} --region ${region} alarms test`,
    `  4. Canary key:      npx agenticai --env ${env} --region ${region} keys create --name canary --canary --store-secret ${resourceNames(env).canaryKeySecret}`,
    '',
  ].join('\n');
}
