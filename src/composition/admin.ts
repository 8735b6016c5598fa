/**
 * What the CLI needs from the adapters, chosen here so the CLI never builds an adapter itself.
 * Kept free of static adapter imports: each is loaded when a command uses it, so local commands
 * never load an AWS SDK client.
 */

/** Where an administrative command acts: the local instance, or a deployed environment with `env`. */
export interface AdminScope {
  /** A deployed environment (dev, staging, production); absent or `local` means the local instance. */
  env?: string;
  region?: string;
  profile?: string;
}

/** AWS SDK client options from `--region` and `--profile` (the SDK's defaults otherwise). */
export function awsClientConfig(scope: AdminScope): { region?: string; profile?: string } {
  return {
    ...(scope.region && { region: scope.region }),
    ...(scope.profile && { profile: scope.profile }),
  };
}

/** Cost Explorer and the deployed budget, for `cost report`. */
export async function costSources() {
  const { CostExplorerSource, deployedBudget } = await import('../adapters/aws/cost-explorer.ts');
  return { CostExplorerSource, deployedBudget };
}

/** The local instance's store (connecting to a running server's, or starting one) and its tables. */
export async function inspectLocalStore(dataDir: string) {
  const [{ ListTablesCommand }, { connectOrStartStore, localDynamoClient }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('../adapters/local/embedded-dynamo.ts'),
  ]);
  const store = await connectOrStartStore(dataDir);
  try {
    const client = localDynamoClient(store.endpoint);
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    client.destroy();
    return { owned: store.owned, serverPid: store.serverPid, endpoint: store.endpoint, tables: TableNames };
  } finally {
    await store.close();
  }
}
