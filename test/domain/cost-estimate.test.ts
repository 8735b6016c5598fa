import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/domain/cost-estimate.ts';

const inputs = {
  requestsPerMonth: 1_000_000,
  apiDurationMs: 45,
  logBytesPerRequest: 400,
  writesPerRequest: 1,
  readsPerRequest: 0,
  customMetrics: 0,
  tokensPerStage: { input: 2000, output: 1500 },
  stagesPerProject: 4,
  budget: 50,
};

describe('cost estimate: the model line', () => {
  it('R5.5 a cross-region inference profile is priced as its model (the deployed default)', () => {
    const viaProfile = estimate([], { ...inputs, modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' });
    const direct = estimate([], { ...inputs, modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0' });
    // 4 stages × (2000 × $1 + 1500 × $5) / 1e6 = $0.038
    expect(viaProfile.modelPerProject).toMatchObject({ usd: 0.038 });
    expect(direct.modelPerProject).toMatchObject({ usd: 0.038 });
  });

  it('an unknown model has no model line rather than a wrong one', () => {
    expect(estimate([], { ...inputs, modelId: 'eu.example.unknown-model-v1' }).modelPerProject).toBeNull();
  });
});
