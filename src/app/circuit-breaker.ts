import type { Stage } from '../domain/project.ts';
import type { Clock, ModelContext, ModelProvider, ModelResult } from './ports.ts';

export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call. Default 30 s. */
  cooldownMs?: number;
}

/**
 * Stops calling a failing model provider (SPEC C): after N consecutive failures every call fails
 * fast for the cool-down, then one trial call decides whether to close again.
 */
export class CircuitBreakerModel implements ModelProvider {
  private failures = 0;
  private openedAt?: number;
  private trialInFlight = false;
  private readonly threshold: number;
  private readonly cooldownMs: number;

  constructor(
    private readonly inner: ModelProvider,
    private readonly clock: Clock,
    opts: CircuitBreakerOptions = {},
    private readonly onStateChange: (state: 'open' | 'closed') => void = () => {},
  ) {
    this.threshold = opts.failureThreshold ?? 5;
    this.cooldownMs = opts.cooldownMs ?? 30_000;
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === undefined) return 'closed';
    return this.clock.now().getTime() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  async generate(stage: Stage, prompt: string, context: ModelContext): Promise<ModelResult> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trialInFlight)) {
      const retryIn = Math.ceil((this.openedAt! + this.cooldownMs - this.clock.now().getTime()) / 1000);
      throw new CircuitOpenError(
        `model provider circuit is open after ${this.failures} consecutive failures; not calling it for ${Math.max(retryIn, 1)} s`,
      );
    }
    this.trialInFlight = state === 'half-open';
    try {
      const result = await this.inner.generate(stage, prompt, context);
      if (this.openedAt !== undefined) this.onStateChange('closed');
      this.failures = 0;
      this.openedAt = undefined;
      return result;
    } catch (error) {
      this.failures++;
      if (state === 'half-open' || this.failures >= this.threshold) {
        if (this.openedAt === undefined) this.onStateChange('open');
        this.openedAt = this.clock.now().getTime();
      }
      throw error;
    } finally {
      this.trialInFlight = false;
    }
  }
}
