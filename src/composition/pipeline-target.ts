import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoKeyRepository } from '../adapters/aws/key-repository.ts';
import { DynamoProjectRepository } from '../adapters/aws/project-repository.ts';
import { DynamoRunningSlots } from '../adapters/aws/running-slots.ts';
import { SqsDeadLetters, SqsStageQueue } from '../adapters/aws/sqs-queue.ts';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { LocalStageQueue } from '../adapters/local/store-queue.ts';
import type { ProjectRepository, RunningSlots, StageQueue } from '../app/ports.ts';
import { systemClock } from '../app/ports.ts';
import { loadConfig } from '../config.ts';
import { STAGES, type Stage } from '../domain/project.ts';
import { resourceNames } from '../naming.ts';
import { type AdminScope, awsClientConfig } from './admin.ts';
import { localQueueTableName, openLocalStores } from './local-stores.ts';

export interface DeadLetterView {
  list(
    stage: Stage,
  ): Promise<{ id: string; body: unknown; receiveCount?: number; failedAt?: string; error?: string }[]>;
  count(stage: Stage): Promise<number>;
  redrive(stage: Stage): Promise<string>;
}

export interface PipelineTarget {
  projects: ProjectRepository;
  /** The running-projects sets: a retried project is counted again. */
  slots: RunningSlots;
  listClientIds(): Promise<string[]>;
  queue: StageQueue;
  deadLetters: DeadLetterView;
  close(): Promise<void>;
}

/** Projects and queues of the local instance, or of a deployed environment with `--env`. */
export async function openPipelineTarget(globals: AdminScope): Promise<PipelineTarget> {
  const config = loadConfig();
  if (!globals.env || globals.env === 'local') {
    const stores = await openLocalStores(config, { shared: true });
    const queue = new LocalStageQueue({
      db: stores.db,
      tableName: localQueueTableName(config),
      clock: systemClock,
    });
    const keys = new DynamoKeyRepository(stores.db, config.dataTableName);
    return {
      projects: new DynamoProjectRepository(stores.db, config.dataTableName),
      slots: new DynamoRunningSlots(stores.db, config.dataTableName),
      listClientIds: async () => (await keys.listClients()).map((c) => c.clientId),
      queue,
      deadLetters: {
        list: (stage) => queue.listDlq(stage),
        count: async (stage) => (await queue.listDlq(stage)).length,
        redrive: async (stage) => `moved ${await queue.redrive(stage)} message(s) back to the ${stage} queue`,
      },
      close: () => stores.close(),
    };
  }

  const names = resourceNames(globals.env);
  const clientConfig = awsClientConfig(globals);
  const db = createDocumentClient(clientConfig);
  const sqs = new SQSClient(clientConfig);
  const urlOf = async (name: string) =>
    (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  const queueUrls = {} as Record<Stage, string>;
  const dlqUrls = {} as Record<Stage, string>;
  const dlqArns = {} as Record<Stage, string>;
  for (const stage of STAGES) {
    queueUrls[stage] = await urlOf(names.stageQueue(stage));
    dlqUrls[stage] = await urlOf(names.stageDlq(stage));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrls[stage], AttributeNames: ['QueueArn'] }),
    );
    dlqArns[stage] = Attributes?.QueueArn ?? '';
  }
  const dead = new SqsDeadLetters(sqs, dlqUrls, dlqArns);
  const keys = new DynamoKeyRepository(db, names.dataTable);
  return {
    projects: new DynamoProjectRepository(db, names.dataTable),
    slots: new DynamoRunningSlots(db, names.dataTable),
    listClientIds: async () => (await keys.listClients()).map((c) => c.clientId),
    queue: new SqsStageQueue(sqs, queueUrls),
    deadLetters: {
      list: (stage) => dead.peek(stage),
      count: (stage) => dead.count(stage),
      redrive: async (stage) => {
        const task = await dead.redrive(stage);
        return task.alreadyRunning
          ? `a redrive of the ${stage} DLQ is already running`
          : `started redrive task ${task.taskHandle}`;
      },
    },
    async close() {
      db.destroy();
      sqs.destroy();
    },
  };
}
