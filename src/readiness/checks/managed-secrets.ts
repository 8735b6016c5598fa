import { resourceNames } from '../../naming.ts';
import { fail, pass, type TemplateCheck } from '../check.ts';
import { resourcesOf } from '../template-set.ts';

/** Variable names that would hold a secret value; `_ID`, `_ARN`, `_NAME` only point at one. */
const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|WEBHOOK|PEPPER|PRIVATE_KEY)/;
const POINTER = /_(ID|ARN|NAME)$/;

export const managedSecrets: TemplateCheck = {
  id: 'managed-secrets',
  requirements: ['C2'],
  description:
    'the key pepper is generated in Secrets Manager; no function gets a secret value in its environment',
  run(set) {
    const secrets = resourcesOf(set, 'AWS::SecretsManager::Secret');
    const pepper = secrets.find((s) => s.props.Name === resourceNames(set.env).pepperSecret);
    const problems = [
      ...(pepper?.props.GenerateSecretString
        ? []
        : [`no generated secret ${resourceNames(set.env).pepperSecret}`]),
      // A short placeholder ("unset") marks a secret filled after deploy; anything longer is a value.
      ...secrets
        .filter(
          (s) =>
            typeof s.props.SecretString === 'string' &&
            (s.props.SecretString.length > 8 || s.props.SecretString.includes('://')),
        )
        .map((s) => `secret ${s.props.Name ?? s.logicalId} has its value in the template`),
      ...resourcesOf(set, 'AWS::Lambda::Function').flatMap((f) =>
        Object.keys(f.props.Environment?.Variables ?? {})
          .filter((name) => SECRET_NAME.test(name) && !POINTER.test(name))
          .map((name) => `function ${f.logicalId}: variable ${name} looks like a secret value`),
      ),
    ];
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`${secrets.length} secrets in Secrets Manager, none in templates or function environments`);
  },
};
