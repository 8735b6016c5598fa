import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  type ITableV2,
  ProjectionType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { COUNTERS_TABLE, DATA_TABLE } from '../../src/adapters/dynamodb/tables.ts';

export interface DataTablesProps {
  dataTableName: string;
  countersTableName: string;
  /** PITR recovery window in days (7-35). Default 35. */
  pitrRecoveryPeriodDays?: number;
  /**
   * Retain the data table on stack deletion or replacement, but not after a failed create
   * (`RetainExceptOnCreate`), so a failed first deploy can be retried. Default true.
   */
  retain?: boolean;
  /** DynamoDB deletion protection (blocks the rollback of a failed create: enable after the first deploy). */
  deletionProtection?: boolean;
  /**
   * The data table the environment uses, when it is not `dataTableName`: a table restored from it
   * (`agenticai restore table`). Referenced, never owned: the stack's own table stays as it is.
   */
  inUseTableName?: string;
}

/**
 * The data table (projects, keys, clients, audit) with PITR and explicit encryption, and the
 * ephemeral counters table (rate windows) with TTL and no PITR. Key names come from the same
 * module the repositories use, so code and infrastructure cannot drift.
 */
export class DataTables extends Construct {
  /** The table this stack creates and keeps, in use or not. */
  readonly data: TableV2;
  /**
   * The data table the functions, alarms and dashboard use: `data`, or a restored table the stack
   * references by name (switching to it changes no property of `data`, so it deletes nothing).
   */
  readonly inUse: ITableV2;
  /** True when `inUse` is a restored table rather than `data`. */
  readonly switched: boolean;
  readonly counters: TableV2;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    const retain = props.retain ?? true;
    const removalPolicy = retain ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY;
    const { gsi1, gsi2 } = DATA_TABLE;
    this.data = new TableV2(this, 'Data', {
      tableName: props.dataTableName,
      partitionKey: { name: DATA_TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: DATA_TABLE.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: DATA_TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: props.pitrRecoveryPeriodDays ?? 35,
      },
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: props.deletionProtection ?? false,
      removalPolicy,
      globalSecondaryIndexes: [
        {
          indexName: gsi1.name,
          partitionKey: { name: gsi1.partitionKey, type: AttributeType.STRING },
          sortKey: { name: gsi1.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.ALL,
        },
        {
          indexName: gsi2.name,
          partitionKey: { name: gsi2.partitionKey, type: AttributeType.STRING },
          sortKey: { name: gsi2.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.KEYS_ONLY,
        },
      ],
    });
    this.switched = props.inUseTableName !== undefined && props.inUseTableName !== props.dataTableName;
    this.inUse = this.switched ? TableV2.fromTableName(this, 'InUse', props.inUseTableName!) : this.data;
    this.counters = new TableV2(this, 'Counters', {
      tableName: props.countersTableName,
      partitionKey: { name: COUNTERS_TABLE.partitionKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: COUNTERS_TABLE.ttlAttribute,
      encryption: TableEncryptionV2.awsManagedKey(),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.counters).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'Rate-limit windows live one hour and daily project counts one day; restoring them has no value.',
    });
    Validations.of(this.counters).acknowledge({
      id: 'Serverless-DDBPITREnabled',
      reason:
        'Rate-limit windows live one hour and daily project counts one day; restoring them has no value.',
    });
  }
}
