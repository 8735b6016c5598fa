import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateModelProvider } from '../../src/adapters/local/template-model.ts';
import { parseOutput } from '../../src/app/agents.ts';
import type { ModelContext, ModelProvider } from '../../src/app/ports.ts';
import type { Artifact, Project, Stage } from '../../src/domain/project.ts';
import { jsonPost, startTestRuntime, type TestRuntime, waitFor } from '../support/local-app.ts';

/** What both artifact stores accept (file names locally, the last segment of S3 keys). */
const STORED_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const LONG_DOTTED_I = 'İ'.repeat(100);

/** Unicode names a model could put in a "--- FILE: name ---" line (one line, not blank). */
const fileName = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 160 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 160 }),
    fc.constantFrom(LONG_DOTTED_I, `${LONG_DOTTED_I}.ts`, `${LONG_DOTTED_I}.test.ts`, 'a b.md', 'a_b.md'),
  )
  .filter((s) => s.trim().length > 0 && !/[\n\r\u2028\u2029]/.test(s));
/** Distinct as the protocol sees them: names equal after trimming are one file revised. */
const distinctNames = fc.uniqueArray(fileName, { minLength: 1, maxLength: 8, selector: (s) => s.trim() });

const modelOutput = (names: string[]) =>
  names.map((name, i) => `--- FILE: ${name} ---\ncontent of file ${i}`).join('\n');

describe('artifact names never collide after normalization (issue 19)', () => {
  it('distinct unicode file names give as many stored files, each with its own content and a safe name', () => {
    fc.assert(
      fc.property(distinctNames, (names) => {
        const { files } = parseOutput('dev', modelOutput(names));
        expect(files).toHaveLength(names.length);
        for (const file of files) expect(file.name).toMatch(STORED_NAME);
        expect(new Set(files.map((f) => f.name.toLowerCase())).size).toBe(names.length);
        expect(files.map((f) => f.content)).toEqual(names.map((_, i) => `content of file ${i}\n`));
      }),
      {
        seed: 19,
        numRuns: 500,
        examples: [[[LONG_DOTTED_I, `${LONG_DOTTED_I}.ts`, `${LONG_DOTTED_I}.test.ts`]]],
      },
    );
  });

  it('a file written twice under the same name is one file, the later content winning', () => {
    const { files } = parseOutput(
      'dev',
      '--- FILE: a.ts ---\nfirst\n--- FILE: b.ts ---\nb\n--- FILE:  a.ts  ---\nsecond',
    );
    expect(files).toEqual([
      { name: 'a.ts', content: 'second\n' },
      { name: 'b.ts', content: 'b\n' },
    ]);
  });
});

describe('through the pipeline and the artifact listing', () => {
  let rt: TestRuntime;
  /** The dev stage answers with these file names (set per property run); other stages as the template. */
  let devNames: string[] | undefined;
  const template = new TemplateModelProvider();
  const model: ModelProvider = {
    async generate(stage: Stage, prompt: string, context: ModelContext) {
      const result = await template.generate(stage, prompt, context);
      if (stage === 'dev' && devNames) result.text = modelOutput(devNames);
      return result;
    },
  };
  beforeAll(async () => {
    rt = await startTestRuntime({ model });
  });
  afterAll(async () => {
    await rt?.close();
  });

  async function devArtifacts(name: string): Promise<Artifact[]> {
    const res = await rt.request('/api/projects', jsonPost({ name, type: 'api', description: 'names' }));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as Project;
    await waitFor(
      async () => {
        const { status } = (await (await rt.request(`/api/projects/${id}`)).json()) as Project;
        return status === 'completed' ? true : undefined;
      },
      60_000,
      `project ${id} to complete`,
    );
    const { items } = (await (await rt.request(`/api/projects/${id}/artifacts`)).json()) as {
      items: Artifact[];
    };
    const dev = items.filter((a) => a.stage === 'dev');
    for (const artifact of dev) {
      const read = await rt.request(`/api/projects/${id}/artifacts/${artifact.name}`);
      expect(read.status).toBe(200);
    }
    return dev;
  }

  it('the template model stores its 3 Dev files for any valid unicode project name, "İ" × 100 included', async () => {
    devNames = undefined;
    const projectName = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 100 })
      .filter((s) => s.trim().length > 0 && s.length <= 100);
    await fc.assert(
      fc.asyncProperty(projectName, async (name) => {
        const dev = await devArtifacts(name);
        expect(dev).toHaveLength(3);
        expect(new Set(dev.map((a) => a.name.toLowerCase())).size).toBe(3);
      }),
      { seed: 19, numRuns: 8, endOnFailure: true, examples: [[LONG_DOTTED_I]] },
    );
  }, 300_000);

  it('a model writing distinct unicode file names gets every one stored and readable', async () => {
    await fc.assert(
      fc.asyncProperty(distinctNames, async (names) => {
        devNames = names;
        const dev = await devArtifacts('Unicode files');
        expect(dev).toHaveLength(names.length);
      }),
      {
        seed: 19,
        numRuns: 8,
        endOnFailure: true,
        examples: [[[LONG_DOTTED_I, `${LONG_DOTTED_I}.ts`, `${LONG_DOTTED_I}.test.ts`]]],
      },
    );
  }, 300_000);
});
