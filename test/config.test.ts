import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('has defaults that run local mode with nothing set', () => {
    expect(loadConfig({})).toMatchObject({
      env: 'local',
      mode: 'local',
      host: '127.0.0.1',
      port: 3000,
      dataDir: '.agenticai',
      dataTableName: 'agenticai-local-data',
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['AGENTICAI_ENV', 'prod'],
    ['POWERTOOLS_LOG_LEVEL', 'LOUD'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('derives table names from the environment', () => {
    expect(loadConfig({ AGENTICAI_ENV: 'staging' }).dataTableName).toBe('agenticai-staging-data');
  });
});
