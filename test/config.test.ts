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
    ['HOST', 'not a host'],
    ['HOST', 'http://127.0.0.1'],
    ['HTTP_MAX_CONNECTIONS', '0'],
    ['HTTP_HEADERS_TIMEOUT_SECONDS', '0'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('derives table names from the environment', () => {
    expect(loadConfig({ AGENTICAI_ENV: 'staging' }).dataTableName).toBe('agenticai-staging-data');
  });

  it('bounds idle and slow connections by default (issue 19)', () => {
    expect(loadConfig({}).http).toEqual({
      headersTimeoutMs: 15_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 256,
    });
    // Node refuses a request timeout shorter than the headers timeout.
    expect(
      loadConfig({ HTTP_HEADERS_TIMEOUT_SECONDS: '30', HTTP_REQUEST_TIMEOUT_SECONDS: '10' }).http
        .requestTimeoutMs,
    ).toBe(30_000);
  });

  it.each(['localhost', '0.0.0.0', '::1', 'my-box.example.internal'])('accepts HOST=%s', (host) => {
    expect(loadConfig({ HOST: host }).host).toBe(host);
  });
});
