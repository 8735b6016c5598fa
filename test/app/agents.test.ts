import { describe, expect, it } from 'vitest';
import { parseOutput, safeArtifactName } from '../../src/app/agents.ts';
import { backoffMs } from '../../src/domain/backoff.ts';
import { nextAfter } from '../../src/domain/pipeline.ts';
import { newProject } from '../../src/domain/project.ts';

describe('agent output protocol', () => {
  it('splits files on "--- FILE: name ---" markers and keeps a preamble as the default artifact', () => {
    const out = parseOutput(
      'dev',
      'Plan first\n--- FILE: src/app.ts ---\nexport {}\n--- FILE: ../../etc/passwd ---\nx',
    );
    expect(out.files.map((f) => f.name)).toEqual(['implementation.md', 'src-app.ts', 'etc-passwd']);
    expect(out.files[1]!.content).toBe('export {}\n');
  });

  it('without markers the whole answer is the stage artifact', () => {
    expect(parseOutput('pm', '# Reqs').files).toEqual([{ name: 'requirements.md', content: '# Reqs\n' }]);
  });

  it('reads the QA verdict (default pass)', () => {
    expect(parseOutput('qa', 'x\nVERDICT: CHANGES_REQUESTED').verdict).toBe('changes_requested');
    expect(parseOutput('qa', 'verdict: pass').verdict).toBe('pass');
    expect(parseOutput('qa', 'no verdict').verdict).toBe('pass');
  });

  it('artifact names are always safe', () => {
    for (const raw of ['../x', 'a b/c?', '', '...', 'é.md'])
      expect(safeArtifactName(raw)).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
  });
});

describe('stage order', () => {
  const project = newProject({
    id: 'p',
    clientId: 'c',
    input: { name: 'n', type: 'api', description: 'd' },
    now: new Date(),
  });
  it('PM → Dev → QA → Ops → completed; QA may send back once', () => {
    expect(nextAfter(project, 'pm')).toBe('dev');
    expect(nextAfter(project, 'qa', 'pass')).toBe('ops');
    expect(nextAfter(project, 'qa', 'changes_requested')).toBe('dev');
    const sentBack = {
      ...project,
      history: [
        {
          stage: 'qa' as const,
          status: 'succeeded' as const,
          startedAt: '2026-01-01T00:00:00Z',
          attempts: 1,
          outcome: 'changes_requested' as const,
        },
      ],
    };
    expect(nextAfter(sentBack, 'qa', 'changes_requested')).toBe('ops');
    expect(nextAfter(project, 'ops')).toBe('completed');
  });
});

describe('C11 retries with exponential backoff and jitter', () => {
  it('grows exponentially up to the cap, and jitter spreads it over [0, ceiling]', () => {
    const opts = { baseMs: 100, capMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, opts, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffMs(3, opts, () => 0)).toBe(0);
    expect(backoffMs(3, opts, () => 0.5)).toBe(200);
  });
});
