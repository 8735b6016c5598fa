import type { Project, Stage, StageRecord } from './project.ts';

/** What a stage message carries between queues. */
export interface StageMessage {
  projectId: string;
  clientId: string;
  stage: Stage;
  correlationId: string;
  /** Times this stage was put back because the infrastructure was down (these spend no attempt). */
  infraRetries?: number;
}

export const NEXT_STAGE: Record<Stage, Stage | 'completed'> = {
  pm: 'dev',
  dev: 'qa',
  qa: 'ops',
  ops: 'completed',
};

/** QA may send a project back to Dev once; a second negative review goes on to Ops with its findings. */
export const MAX_QA_SEND_BACKS = 1;

export function isFinished(project: Pick<Project, 'status'>): boolean {
  return project.status === 'completed' || project.status === 'failed';
}

/** The stage a project is waiting for or running, if any. */
export function pendingStage(project: Pick<Project, 'status'>): Stage | undefined {
  if (project.status === 'queued') return 'pm';
  if (isFinished(project)) return undefined;
  return project.status as Stage;
}

export function qaSendBacks(project: Pick<Project, 'history'>): number {
  return project.history.filter((h) => h.stage === 'qa' && h.outcome === 'changes_requested').length;
}

/** Where a project goes after `stage` succeeds. */
export function nextAfter(
  project: Project,
  stage: Stage,
  qaVerdict?: 'pass' | 'changes_requested',
): Stage | 'completed' {
  if (stage === 'qa' && qaVerdict === 'changes_requested' && qaSendBacks(project) < MAX_QA_SEND_BACKS)
    return 'dev';
  return NEXT_STAGE[stage];
}

/**
 * Stage claims: a worker owns a stage run while its lease is valid. A duplicate delivery sees the
 * lease (or the advanced version) and does nothing; a crashed worker's lease expires and the
 * redelivered message or the sweeper takes over.
 */
export interface Lease {
  stage: Stage;
  token: string;
  /** Epoch ms. */
  until: number;
}

export function canClaim(project: Project & { lease?: Lease }, stage: Stage, nowMs: number): boolean {
  if (pendingStage(project) !== stage) return false;
  return !project.lease || project.lease.until <= nowMs;
}

/** The running record for a new attempt at `stage` (attempts continue from a failed earlier try). */
export function startRecord(
  project: Project,
  stage: Stage,
  now: Date,
): { history: StageRecord[]; attempts: number } {
  const history = [...project.history];
  const last = history.at(-1);
  // A failed try, or one abandoned while running (its worker died), continues the attempt count.
  const retrying =
    last?.stage === stage && ((last.status === 'failed' && !last.outcome) || last.status === 'running');
  if (last && retrying) {
    const attempts = last.attempts + 1;
    history[history.length - 1] = { stage, status: 'running', startedAt: now.toISOString(), attempts };
    return { history, attempts };
  }
  history.push({ stage, status: 'running', startedAt: now.toISOString(), attempts: 1 });
  return { history, attempts: 1 };
}

export function finishRecord(
  history: StageRecord[],
  now: Date,
  result: {
    status: 'succeeded' | 'failed';
    provider?: string;
    error?: string;
    outcome?: StageRecord['outcome'];
  },
): StageRecord[] {
  const copy = [...history];
  const last = copy.at(-1);
  if (!last) return copy;
  copy[copy.length - 1] = {
    ...last,
    status: result.status,
    endedAt: now.toISOString(),
    durationMs: Math.max(0, now.getTime() - Date.parse(last.startedAt)),
    ...(result.provider && { provider: result.provider }),
    ...(result.error && { error: result.error }),
    ...(result.outcome && { outcome: result.outcome }),
  };
  return copy;
}
