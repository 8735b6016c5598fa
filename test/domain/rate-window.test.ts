import { describe, expect, it } from 'vitest';
import { rateLimitHeaders, secondsUntilReset, windowAt } from '../../src/domain/rate-window.ts';

describe('rate windows', () => {
  it('R6.4 align to the UTC hour', () => {
    const w = windowAt(new Date('2026-11-23T01:59:59.999Z'));
    expect(w.id).toBe('2026-11-23T01');
    expect(w.start).toBe(Date.parse('2026-11-23T01:00:00Z') / 1000);
    expect(w.end).toBe(Date.parse('2026-11-23T02:00:00Z') / 1000);
    expect(windowAt(new Date('2026-11-23T02:00:00.000Z')).id).toBe('2026-11-23T02');
  });

  it('R6.3 headers: Reset is the epoch second the window ends; Retry-After only when refused', () => {
    const now = new Date('2026-11-23T01:59:00Z');
    const window = windowAt(now);
    const ok = rateLimitHeaders({ allowed: true, limit: 10, remaining: 3, window }, now);
    expect(ok).toEqual({
      'X-RateLimit-Limit': '10',
      'X-RateLimit-Remaining': '3',
      'X-RateLimit-Reset': String(window.end),
      'RateLimit-Policy': '"hourly";q=10;w=3600',
      RateLimit: '"hourly";r=3;t=60',
    });
    const refused = rateLimitHeaders({ allowed: false, limit: 10, remaining: 0, window }, now);
    expect(refused['Retry-After']).toBe('60');
    expect(secondsUntilReset(window, new Date('2026-11-23T01:59:59.900Z'))).toBe(1);
  });
});
