/**
 * `agenticai rollback` against a deployed environment: the AWS SDK clients it needs (loaded on
 * use, always destroyed) and the adapter's plan and apply. The CLI reaches adapters only through
 * composition (test/architecture/layers.test.ts).
 */
import type { RollbackClients } from '../adapters/aws/rollback.ts';
import { type AdminScope, awsClientConfig } from './admin.ts';

export {
  applyRollback,
  type FunctionPlan,
  parseRollbackTarget,
  planRollback,
  type RetryOptions,
  RollbackError,
  type RollbackOutcome,
  type RollbackPlan,
  type RollbackTarget,
} from '../adapters/aws/rollback.ts';

export async function withRollbackClients<T>(
  scope: AdminScope,
  work: (clients: RollbackClients) => Promise<T>,
): Promise<T> {
  const [{ CloudFormationClient }, { LambdaClient }, { CodeDeployClient }] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-lambda'),
    import('@aws-sdk/client-codedeploy'),
  ]);
  const config = awsClientConfig(scope);
  const clients = {
    cfn: new CloudFormationClient(config),
    lambda: new LambdaClient(config),
    codedeploy: new CodeDeployClient(config),
  };
  try {
    return await work(clients);
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}
