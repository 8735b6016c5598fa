import { InvalidArgumentError } from 'commander';
import { CLIENT_ID_PATTERN, KEY_ID_PATTERN } from '../domain/api-key.ts';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30d`, `24h`, `90m`, `45s` or `0` → milliseconds. */
export function parseDuration(value: string): number {
  if (value === '0') return 0;
  const match = /^(\d{1,6})([smhd])$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration like 30d, 24h, 90m or 0');
  return Number(match[1]) * UNITS[match[2]!]!;
}

export function parseHourlyLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 10_000_000) {
    throw new InvalidArgumentError('expected a whole number of requests per hour from 1 to 10000000');
  }
  return n;
}

export function parseKeyId(value: string): string {
  if (!KEY_ID_PATTERN.test(value))
    throw new InvalidArgumentError('expected a key id (16 letters and digits)');
  return value;
}

export function parseClientId(value: string): string {
  if (!CLIENT_ID_PATTERN.test(value))
    throw new InvalidArgumentError('expected a client id (letters, digits, -)');
  return value;
}

export function parseName(value: string): string {
  const name = value.trim();
  if (name.length < 1 || name.length > 100) throw new InvalidArgumentError('expected 1 to 100 characters');
  return name;
}
