import { type BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type { ModelContext, ModelProvider, ModelResult } from '../../app/ports.ts';
import { backoffMs } from '../../domain/backoff.ts';
import type { Stage } from '../../domain/project.ts';

const RETRYABLE = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  'InternalServerException',
]);

export interface BedrockOptions {
  modelId: string;
  /** Per-call timeout. Default 60 s. */
  timeoutMs?: number;
  /** Attempts per call for throttling and transient errors. Default 3. */
  maxAttempts?: number;
  backoff?: { baseMs: number; capMs: number };
  sleep?: (ms: number) => Promise<void>;
}

/** Amazon Bedrock through the Converse API: one interface for every model Bedrock hosts. */
export class BedrockModelProvider implements ModelProvider {
  private readonly opts: Required<Omit<BedrockOptions, 'sleep'>> & { sleep: (ms: number) => Promise<void> };

  constructor(
    private readonly client: BedrockRuntimeClient,
    opts: BedrockOptions,
  ) {
    this.opts = {
      timeoutMs: 60_000,
      maxAttempts: 3,
      backoff: { baseMs: 500, capMs: 8_000 },
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      ...opts,
    };
  }

  async generate(_stage: Stage, prompt: string, context: ModelContext): Promise<ModelResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.client.send(
          new ConverseCommand({
            modelId: this.opts.modelId,
            system: [{ text: context.system }],
            messages: [{ role: 'user', content: [{ text: prompt }] }],
            inferenceConfig: { maxTokens: context.maxTokens },
          }),
          { abortSignal: AbortSignal.timeout(this.opts.timeoutMs) },
        );
        const text = (response.output?.message?.content ?? [])
          .map((block) => ('text' in block && block.text) || '')
          .join('');
        if (!text)
          throw new Error(`model ${this.opts.modelId} returned no text (stop reason ${response.stopReason})`);
        return {
          text,
          provider: `bedrock:${this.opts.modelId}`,
          inputTokens: response.usage?.inputTokens ?? 0,
          outputTokens: response.usage?.outputTokens ?? 0,
        };
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        if (!RETRYABLE.has(name) || attempt >= this.opts.maxAttempts) throw error;
        await this.opts.sleep(backoffMs(attempt, this.opts.backoff));
      }
    }
  }
}
