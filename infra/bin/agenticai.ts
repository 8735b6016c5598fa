import { buildApp } from '../app.ts';
import { InfraConfigError } from '../config.ts';
import { loadEnvironments } from '../environments.ts';

try {
  buildApp(loadEnvironments()).app.synth();
} catch (error) {
  if (error instanceof InfraConfigError) {
    process.stderr.write(`agenticai synth: invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
