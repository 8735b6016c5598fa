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

/** Longest stored artifact name (the artifact stores accept 1–128 safe characters). */
export const ARTIFACT_NAME_MAX = 128;

/** The extension kept when a name is shortened or suffixed, so its content type survives. */
const extensionOf = (name: string) => /\.[A-Za-z0-9]{1,10}$/.exec(name)?.[0] ?? '';

/**
 * Artifact names are flat and safe: `src/app.ts` → `src-app.ts`; a long name keeps its extension.
 * Different names can map to the same safe name; parseOutput keeps them apart.
 */
export function safeArtifactName(raw: string): string {
  const flat = raw
    .trim()
    .replace(/[\\/]+/g, '-')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '');
  return flat ? fitName(flat, '') : 'file.txt';
}

/** `name` with `suffix` before its extension, its stem shortened to fit ARTIFACT_NAME_MAX. */
function fitName(name: string, suffix: string): string {
  const ext = extensionOf(name);
  const stem = name.slice(0, name.length - ext.length);
  return `${stem.slice(0, ARTIFACT_NAME_MAX - suffix.length - ext.length)}${suffix}${ext}`;
}
export function parseOutput(stage: Stage, text: string): ParsedOutput {
  // Files by the name the model gave (later ones win, as a model revising itself would intend).
  const byName = new Map<string, string>();
  let current: { name: string; lines: string[] } | undefined;
  const preamble: string[] = [];
  const flush = () => {
    if (!current) return;
    byName.set(current.name, current.lines.join('\n').trim() + '\n');
  };
  for (const line of text.split('\n')) {
    const marker = FILE_MARKER.exec(line.trim());
    if (marker) {
      flush();
      current = { name: marker[1]!.trim(), lines: [] };
    } else if (current) current.lines.push(line);
    else preamble.push(line);
  }
  flush();
  const files: { name: string; content: string }[] = [];
  if (byName.size === 0) byName.set(DEFAULT_ARTIFACT[stage], text.trim() + '\n');
  else if (preamble.join('').trim() && !byName.has(DEFAULT_ARTIFACT[stage]))
    files.push({ name: DEFAULT_ARTIFACT[stage], content: preamble.join('\n').trim() + '\n' });

  // Names that differ only in what made them unsafe or long, or in case (local mode on a
  // case-insensitive file system), would overwrite each other: number the later ones.
  const taken = new Set(files.map((f) => f.name.toLowerCase()));
  for (const [raw, content] of byName) {
    const safe = safeArtifactName(raw);
    let name = safe;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = fitName(safe, `-${n}`);
    taken.add(name.toLowerCase());
    files.push({ name, content });
  }
  const result: ParsedOutput = { files };
  if (stage === 'qa') {
    const verdict = /VERDICT:\s*(PASS|CHANGES_REQUESTED)/i.exec(text)?.[1]?.toUpperCase();
    result.verdict = verdict === 'CHANGES_REQUESTED' ? 'changes_requested' : 'pass';
  }
  return result;
}
