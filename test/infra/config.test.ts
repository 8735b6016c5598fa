import { describe, expect, it } from 'vitest';
import { defaultBedrockModel, isPlaceholderEmail, parseEnvironment } from '../../infra/config.ts';
import { loadEnvironments } from '../../infra/environments.ts';

describe('C16 typed deployment configuration (issue 11)', () => {
  it("defaults to the Claude inference profile of the region's geography, with its destination regions", () => {
    expect(defaultBedrockModel('us-east-2')).toBe('us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(defaultBedrockModel('eu-west-1')).toBe('eu.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(defaultBedrockModel('ap-southeast-2')).toBe('apac.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(defaultBedrockModel('sa-east-1')).toBe('global.anthropic.claude-haiku-4-5-20251001-v1:0');
    const base = { name: 'dev', account: '123456789012', region: 'eu-west-1' };
    expect(parseEnvironment(base).bedrockProfileRegions).toContain('eu-central-1');
    // A plain model id runs in the environment's own region only.
    expect(
      parseEnvironment({ ...base, bedrockModelId: 'anthropic.claude-3-5-haiku-20241022-v1:0' })
        .bedrockProfileRegions,
    ).toEqual(['eu-west-1']);
  });

  it('reserved concurrency is off in every environment unless configured; source maps off', () => {
    for (const config of loadEnvironments({
      AGENTICAI_ACCOUNT: '123456789012',
      AGENTICAI_ADMIN_EMAILS: 'oncall@acme-corp.com',
    })) {
      expect(config.api.reservedConcurrency).toBeUndefined();
      expect(config.sourceMaps).toBe(false);
    }
  });

  it('knows placeholder addresses (reserved documentation domains)', () => {
    for (const e of ['ops@example.com', 'a@mail.example.org', 'x@corp.test', 'y@agenticai.invalid'])
      expect(isPlaceholderEmail(e)).toBe(true);
    for (const e of ['oncall@acme-corp.com', 'ops@examples.com']) expect(isPlaceholderEmail(e)).toBe(false);
  });

  it('AGENTICAI_ENVIRONMENTS limits the app to the environments being deployed; AGENTICAI_ACCOUNT covers all', () => {
    const envs = loadEnvironments({
      AGENTICAI_ENVIRONMENTS: 'staging',
      AGENTICAI_ACCOUNT_STAGING: '222222222222',
      AGENTICAI_ADMIN_EMAILS: 'oncall@acme-corp.com',
    });
    expect(envs.map((e) => [e.name, e.account])).toEqual([['staging', '222222222222']]);
    const all = loadEnvironments({
      AGENTICAI_ACCOUNT: '111111111111',
      AGENTICAI_ACCOUNT_PRODUCTION: '333333333333',
      AGENTICAI_ADMIN_EMAILS: 'oncall@acme-corp.com',
    });
    expect(all.map((e) => e.account)).toEqual(['111111111111', '111111111111', '333333333333']);
  });

  it('offline synthesis (npm run synth) fills placeholders that no deploy accepts', () => {
    const envs = loadEnvironments({}, { offline: true });
    expect(envs.map((e) => e.account)).toEqual(['000000000000', '000000000000', '000000000000']);
    // A real account never gets placeholder contacts, offline or not.
    expect(() =>
      loadEnvironments({ AGENTICAI_ACCOUNT_PRODUCTION: '123456789012' }, { offline: true }),
    ).toThrow(/production needs at least one administrator email/);
  });
});
