import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parsePeppers } from '../../app/peppers.ts';
import type { PepperSource } from '../../app/ports.ts';

/** The pepper document from Secrets Manager, read once per cold start (the authenticator caches it). */
export class SecretsManagerPepperSource implements PepperSource {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async load() {
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    if (!SecretString) throw new Error(`secret ${this.secretId} has no string value`);
    return parsePeppers(SecretString);
  }
}
