import type { Project, Stage } from '../domain/project.ts';

/**
 * The four agents: what each is told, what it is given, and how its answer becomes artifacts.
 * Every provider answers in the same plain protocol: files delimited by `--- FILE: name ---` lines,
 * and for QA a `VERDICT: PASS` or `VERDICT: CHANGES_REQUESTED` line.
 */
export const AGENT_SYSTEM: Record<Stage, string> = {
  pm: 'You are the product manager agent. Write requirements.md: user stories and numbered, testable acceptance criteria.',
  dev: 'You are the developer agent. Implement the requirements as source files, each introduced by a "--- FILE: <name> ---" line. Include tests.',
  qa: 'You are the QA agent. Review the source against the acceptance criteria. Write review.md and end with "VERDICT: PASS" or "VERDICT: CHANGES_REQUESTED" followed by the findings.',
  ops: 'You are the operations agent. Write deploy.md: deployment notes, infrastructure as code sketch, monitoring and rollback.',
};

const DEFAULT_ARTIFACT: Record<Stage, string> = {
  pm: 'requirements.md',
  dev: 'implementation.md',
  qa: 'review.md',
  ops: 'deploy.md',
};

/** Which earlier artifacts each stage reads. */
export const STAGE_INPUTS: Record<Stage, Stage[]> = {
  pm: [],
  dev: ['pm', 'qa'],
  qa: ['pm', 'dev'],
  ops: ['pm', 'dev', 'qa'],
};

export function buildPrompt(stage: Stage, project: Project, inputs: Record<string, string>): string {
  const parts = [`Project: ${project.name}`, `Type: ${project.type}`, 'Description:', project.description];
  for (const [name, content] of Object.entries(inputs)) parts.push('', `--- INPUT: ${name} ---`, content);
  if (stage === 'dev' && inputs['review.md'])
    parts.push('', 'QA sent this back: address every finding in review.md.');
  return parts.join('\n');
}

export interface ParsedOutput {
  files: { name: string; content: string }[];
  verdict?: 'pass' | 'changes_requested';
}

const FILE_MARKER = /^--- FILE: (.+?) ---$/;

/** Artifact names are flat and safe: `src/app.ts` → `src-app.ts`. */
export function safeArtifactName(raw: string): string {
  const flat = raw
    .trim()
    .replace(/[\\/]+/g, '-')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return flat || 'file.txt';
}

export function parseOutput(stage: Stage, text: string): ParsedOutput {
  const files: { name: string; content: string }[] = [];
  let current: { name: string; lines: string[] } | undefined;
  const preamble: string[] = [];
  for (const line of text.split('\n')) {
    const marker = FILE_MARKER.exec(line.trim());
    if (marker) {
      if (current) files.push({ name: current.name, content: current.lines.join('\n').trim() + '\n' });
      current = { name: safeArtifactName(marker[1]!), lines: [] };
    } else if (current) current.lines.push(line);
    else preamble.push(line);
  }
  if (current) files.push({ name: current.name, content: current.lines.join('\n').trim() + '\n' });
  if (files.length === 0) files.push({ name: DEFAULT_ARTIFACT[stage], content: text.trim() + '\n' });
  else if (preamble.join('').trim())
    files.unshift({ name: DEFAULT_ARTIFACT[stage], content: preamble.join('\n').trim() + '\n' });

  // Later files with the same name win, as a model revising itself would intend.
  const byName = new Map(files.map((f) => [f.name, f]));
  const result: ParsedOutput = { files: [...byName.values()] };
  if (stage === 'qa') {
    const verdict = /VERDICT:\s*(PASS|CHANGES_REQUESTED)/i.exec(text)?.[1]?.toUpperCase();
    result.verdict = verdict === 'CHANGES_REQUESTED' ? 'changes_requested' : 'pass';
  }
  return result;
}
