import { KEY_PREFIX } from '../domain/api-key.ts';

/**
 * Removes secrets from log lines before they leave the account in an alert: API keys (the whole
 * key, or its secret part after the key id), Slack webhook URLs, AWS access keys, bearer tokens,
 * and the values of JSON fields whose name says secret, password, token or key.
 */
const PATTERNS: [RegExp, string][] = [
  [new RegExp(`\\b(${KEY_PREFIX}_[0-9A-Za-z]+_)[0-9A-Za-z]+`, 'g'), '$1[redacted]'],
  [/https:\/\/hooks\.slack\.com\/[^\s"'<>]+/g, 'https://hooks.slack.com/[redacted]'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, '[redacted-aws-key]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [
    /("[\w-]*(?:secret|password|passwd|token|api[-_]?key|authorization|pepper)[\w-]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    '$1"[redacted]"',
  ],
  [/\b((?:x-api-key|authorization)\s*[:=]\s*)[^\s,;"]+/gi, '$1[redacted]'],
];

export function redact(line: string): string {
  return PATTERNS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), line);
}
