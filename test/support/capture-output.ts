import { afterEach, beforeEach, type MockInstance, vi } from 'vitest';

export interface CapturedOutput {
  /** What the code under test wrote to process.stdout in the current test. */
  stdout: string;
  /** What it wrote to process.stderr in the current test. */
  stderr: string;
}

/**
 * Captures process.stdout and process.stderr in every test of the file or describe block it is
 * called in (it registers its own beforeEach/afterEach): both start empty for each test, and
 * nothing reaches the terminal. Assign `output.stdout = ''` to forget what a step printed.
 */
export function captureOutput(): CapturedOutput {
  const output: CapturedOutput = { stdout: '', stderr: '' };
  const spies: MockInstance[] = [];
  beforeEach(() => {
    output.stdout = '';
    output.stderr = '';
    spies.push(
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        output.stdout += String(chunk);
        return true;
      }),
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        output.stderr += String(chunk);
        return true;
      }),
    );
  });
  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
  });
  return output;
}
