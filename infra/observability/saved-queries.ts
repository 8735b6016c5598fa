import { CfnQueryDefinition, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SAVED_QUERIES, savedQueryName } from '../../src/observability/saved-queries.ts';

export interface SavedQueriesProps {
  readonly envName: string;
  /** The API function's log group (queries over API logs) and every function's (queries over all). */
  readonly apiLogGroup: ILogGroup;
  readonly allLogGroups: readonly ILogGroup[];
}

/** The saved Logs Insights queries of one environment (R9.4), defined in src/observability/saved-queries.ts. */
export function createSavedQueries(scope: Construct, props: SavedQueriesProps) {
  for (const query of SAVED_QUERIES) {
    const groups = query.logs === 'api' ? [props.apiLogGroup] : props.allLogGroups;
    new CfnQueryDefinition(scope, `Query-${query.name}`, {
      name: savedQueryName(props.envName, query.name),
      queryString: query.query,
      logGroupNames: groups.map((g) => g.logGroupName),
    });
  }
}
