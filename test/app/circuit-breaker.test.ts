import { describe, expect, it, vi } from 'vitest';
import { CircuitBreakerModel, CircuitOpenError } from '../../src/app/circuit-breaker.ts';
import type { ModelProvider } from '../../src/app/ports.ts';
import { manualClock } from '../support/local-app.ts';

const context = {
  system: 's',
  maxTokens: 10,
  project: { id: 'p', name: 'n', type: 'api', description: 'd' },
  inputs: {},
};
const ok = { text: 'ok', provider: 'fake', inputTokens: 1, outputTokens: 1 };

describe('C13 circuit breaker around the model provider', () => {
  it('opens after N consecutive failures, fails fast during the cool-down, then closes after a good trial', async () => {
    const clock = manualClock('2026-01-01T00:00:00Z');
    const inner = { generate: vi.fn<ModelProvider['generate']>().mockRejectedValue(new Error('throttled')) };
    const states: string[] = [];
    const breaker = new CircuitBreakerModel(inner, clock, { failureThreshold: 3, cooldownMs: 30_000 }, (s) =>
      states.push(s),
    );
    for (let i = 0; i < 3; i++)
      await expect(breaker.generate('pm', 'p', context)).rejects.toThrow('throttled');
    expect(breaker.state).toBe('open');
    await expect(breaker.generate('pm', 'p', context)).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(breaker.generate('pm', 'p', context)).rejects.toThrow(
      /circuit is open after 3 consecutive failures/,
    );
    expect(inner.generate).toHaveBeenCalledTimes(3);

    clock.advance(30_000);
    expect(breaker.state).toBe('half-open');
    inner.generate.mockResolvedValueOnce(ok);
    expect(await breaker.generate('pm', 'p', context)).toEqual(ok);
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'closed']);
  });

  it('a failed trial re-opens for another cool-down; successes reset the count', async () => {
    const clock = manualClock('2026-01-01T00:00:00Z');
    const inner = { generate: vi.fn<ModelProvider['generate']>() };
    const breaker = new CircuitBreakerModel(inner, clock, { failureThreshold: 2, cooldownMs: 1_000 });
    inner.generate
      .mockRejectedValueOnce(new Error('x'))
      .mockResolvedValueOnce(ok)
      .mockRejectedValueOnce(new Error('x'));
    await expect(breaker.generate('pm', 'p', context)).rejects.toThrow();
    await breaker.generate('pm', 'p', context);
    await expect(breaker.generate('pm', 'p', context)).rejects.toThrow('x');
    expect(breaker.state).toBe('closed');
    inner.generate.mockRejectedValue(new Error('y'));
    await expect(breaker.generate('pm', 'p', context)).rejects.toThrow('y');
    expect(breaker.state).toBe('open');
    clock.advance(1_000);
    await expect(breaker.generate('pm', 'p', context)).rejects.toThrow('y');
    expect(breaker.state).toBe('open');
  });
});
