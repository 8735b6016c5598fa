import { App } from 'aws-cdk-lib';
import { buildApp } from '../app.ts';
import { InfraConfigError } from '../config.ts';
import { loadEnvironments, loadGithub } from '../environments.ts';

/**
 * The CDK app entry point (cdk.json "app"). The account check lives here, in the app, so every
 * deploy path is covered: a bare `npx cdk deploy` refuses a missing or placeholder account exactly
 * like `npm run deploy`. Only an explicit `-c agenticai:offline=true` (`npm run synth`) synthesizes
 * placeholders, which no deploy accepts.
 */
try {
  const app = new App({ context: { 'aws:cdk:disable-cli-telemetry': true } });
  const offline = String(app.node.tryGetContext('agenticai:offline')) === 'true';
  buildApp(loadEnvironments(process.env, { offline }), {
    app,
    github: loadGithub(process.env, { offline }),
  }).app.synth();
} catch (error) {
  if (error instanceof InfraConfigError) {
    process.stderr.write(`agenticai synth: invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
