/** Output helpers: `--json` prints exactly one JSON document on stdout; humans get plain lines. */
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
