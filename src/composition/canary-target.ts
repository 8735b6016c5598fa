import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { resourceNames } from '../naming.ts';

/**
 * Where a deployed environment's canary points: the API URL from the stack's output and the key
 * from the canary secret (the same one the Synthetics canary reads, so `keys rotate --store-secret`
 * rotates both). `--endpoint` and `--key` override either.
 */
export async function resolveDeployedCanary(
  env: string,
  clientConfig: { region?: string; profile?: string },
  override: { endpoint?: string; key?: string },
): Promise<{ endpoint: string; apiKey: string }> {
  const names = resourceNames(env);
  const cfn = new CloudFormationClient(clientConfig);
  const secrets = new SecretsManagerClient(clientConfig);
  try {
    const endpoint = override.endpoint ?? (await stackUrl(cfn, names.stack, names.apiUrlOutput));
    const apiKey = override.key ?? (await secretKey(secrets, names.canaryKeySecret, env));
    return { endpoint, apiKey };
  } finally {
    cfn.destroy();
    secrets.destroy();
  }
}

async function stackUrl(cfn: CloudFormationClient, stack: string, outputKey: string): Promise<string> {
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
  const url = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === outputKey)?.OutputValue;
  if (!url)
    throw new CanaryTargetError(
      `stack ${stack} has no ${outputKey} output; deploy it again or pass --endpoint`,
    );
  return url;
}

async function secretKey(secrets: SecretsManagerClient, secretId: string, env: string): Promise<string> {
  try {
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (SecretString?.startsWith('agk_')) return SecretString;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  // CDK creates the secret with a generated placeholder; the key is put there after deploy.
  throw new CanaryTargetError(
    `the canary secret ${secretId} holds no API key yet; store one with: agenticai --env ${env} keys create --name canary --canary --store-secret ${secretId}`,
  );
}

/** The deployed environment cannot be canaried as asked (no stack output, no key): the CLI says so. */
export class CanaryTargetError extends Error {
  override readonly name = 'CanaryTargetError';
}
