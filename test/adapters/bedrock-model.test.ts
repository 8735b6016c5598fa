import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { BedrockModelProvider } from '../../src/adapters/aws/bedrock-model.ts';

const bedrock = mockClient(BedrockRuntimeClient);
const context = {
  system: 'You are PM',
  maxTokens: 512,
  project: { id: 'p', name: 'n', type: 'api', description: 'd' },
  inputs: {},
};
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const provider = () =>
  new BedrockModelProvider(new BedrockRuntimeClient({ region: 'us-east-1' }), {
    modelId: 'anthropic.test-model',
    sleep: async () => {},
  });
const answer = {
  output: { message: { role: 'assistant' as const, content: [{ text: 'VERDICT: PASS' }] } },
  usage: { inputTokens: 12, outputTokens: 34, totalTokens: 46 },
  stopReason: 'end_turn' as const,
  metrics: { latencyMs: 5 },
};

beforeEach(() => bedrock.reset());

describe('Bedrock Converse adapter', () => {
  it('sends the system prompt, the user prompt and the token budget; records token usage', async () => {
    bedrock.on(ConverseCommand).resolves(answer);
    const result = await provider().generate('qa', 'review this', context);
    expect(result).toEqual({
      text: 'VERDICT: PASS',
      provider: 'bedrock:anthropic.test-model',
      inputTokens: 12,
      outputTokens: 34,
    });
    expect(bedrock.commandCalls(ConverseCommand)[0]!.args[0].input).toEqual({
      modelId: 'anthropic.test-model',
      system: [{ text: 'You are PM' }],
      messages: [{ role: 'user', content: [{ text: 'review this' }] }],
      inferenceConfig: { maxTokens: 512 },
    });
  });

  it('retries throttling with backoff, then succeeds', async () => {
    bedrock.on(ConverseCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves(answer);
    expect((await provider().generate('pm', 'x', context)).text).toBe('VERDICT: PASS');
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(3);
  });

  it('gives up after 3 throttled attempts, and does not retry validation errors', async () => {
    bedrock.on(ConverseCommand).rejects(throttled());
    await expect(provider().generate('pm', 'x', context)).rejects.toThrow('Rate exceeded');
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(3);
    bedrock.reset();
    bedrock
      .on(ConverseCommand)
      .rejects(Object.assign(new Error('bad model id'), { name: 'ValidationException' }));
    await expect(provider().generate('pm', 'x', context)).rejects.toThrow('bad model id');
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(1);
  });

  it('an empty answer is an error, not an empty artifact', async () => {
    bedrock.on(ConverseCommand).resolves({
      ...answer,
      output: { message: { role: 'assistant', content: [] } },
      stopReason: 'max_tokens',
    });
    await expect(provider().generate('pm', 'x', context)).rejects.toThrow(/returned no text/);
  });
});
