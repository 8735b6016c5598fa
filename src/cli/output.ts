import Table from 'cli-table3';

/** Output helpers: `--json` prints exactly one JSON document on stdout; humans get text and tables. */
export interface Output {
  json: boolean;
  print(human: string, data: unknown): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    print(human, data) {
      process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`);
    },
  };
}

export function table(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  t.push(...rows);
  return t.toString();
}
