import { DynamoAuditLog } from '../adapters/aws/audit-log.ts';
import { DynamoKeyRepository } from '../adapters/aws/key-repository.ts';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { KeyAdmin } from '../app/key-admin.ts';
import { systemClock } from '../app/ports.ts';
import { loadConfig } from '../config.ts';
import { resourceNames } from '../naming.ts';
import { type AdminScope, awsClientConfig } from './admin.ts';
import { localActor, localKeyAdmin, openLocalStores } from './local-stores.ts';

export interface AdminTarget {
  keyAdmin: KeyAdmin;
  /** Where the command acted, for messages: `local (<dir>)` or `aws staging (eu-west-1)`. */
  description: string;
  /** Puts a value into a Secrets Manager secret (the canary's API key, for example). */
  storeSecret(secretId: string, value: string): Promise<void>;
  close(): Promise<void>;
}

function secretWriter(config: { region?: string; profile?: string }) {
  return async (secretId: string, value: string) => {
    // Loaded when used, so local commands never load this AWS SDK client.
    const { PutSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient(config);
    try {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
    } finally {
      client.destroy();
    }
  };
}

/**
 * The local instance by default (through a running server's store if there is one); AWS when
 * `--env` names a deployed environment, with the SDK's standard credentials and `--region/--profile`.
 */
export async function openAdminTarget(globals: AdminScope): Promise<AdminTarget> {
  const config = loadConfig();
  if (!globals.env || globals.env === 'local') {
    const stores = await openLocalStores(config, { shared: true });
    return {
      keyAdmin: localKeyAdmin(config, stores.db, localActor()),
      description: `local (${config.dataDir})`,
      storeSecret: secretWriter(awsClientConfig(globals)),
      close: () => stores.close(),
    };
  }
  const [{ SecretsManagerClient }, { SecretsManagerPepperSource }] = await Promise.all([
    import('@aws-sdk/client-secrets-manager'),
    import('../adapters/aws/secrets-pepper.ts'),
  ]);
  const names = resourceNames(globals.env);
  const clientConfig = awsClientConfig(globals);
  const db = createDocumentClient(clientConfig);
  const secrets = new SecretsManagerClient(clientConfig);
  const keyAdmin = new KeyAdmin(
    new DynamoKeyRepository(db, names.dataTable),
    new SecretsManagerPepperSource(secrets, names.pepperSecret),
    new DynamoAuditLog(db, names.dataTable, systemClock),
    systemClock,
    config.defaultHourlyLimit,
    `aws:${process.env.USER ?? 'cli'}`,
  );
  return {
    keyAdmin,
    description: `aws ${globals.env}${globals.region ? ` (${globals.region})` : ''}`,
    storeSecret: secretWriter(clientConfig),
    async close() {
      db.destroy();
      secrets.destroy();
    },
  };
}
