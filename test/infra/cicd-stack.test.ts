import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraConfigError } from '../../infra/config.ts';
import { loadGithub, PLACEHOLDER_GITHUB } from '../../infra/environments.ts';
import { deployRoleName } from '../../infra/stacks/cicd-stack.ts';
import { synthesizeFromEnv } from './synth.ts';

// Two accounts, so the test also proves each account gets its own provider and only its own roles.
const ENV = {
  AGENTICAI_ENVIRONMENTS: 'staging,production',
  AGENTICAI_ACCOUNT_STAGING: '222222222222',
  AGENTICAI_ACCOUNT_PRODUCTION: '333333333333',
  AGENTICAI_REGION: 'eu-west-1',
  AGENTICAI_ADMIN_EMAILS: 'oncall@acme-corp.com',
  AGENTICAI_GITHUB_OWNER: 'acme-corp',
  AGENTICAI_GITHUB_REPO: 'agenticai',
};

let synth: ReturnType<typeof synthesizeFromEnv>;
beforeAll(() => {
  synth = synthesizeFromEnv(ENV);
}, 300_000);
afterAll(() => synth?.cleanup());

const cicd = (account: string): Template => synth.templates[`agenticai-cicd-${account}`]!;

/** Every role of a template with its trust and inline policies. */
function roles(template: Template) {
  return Object.values(template.findResources('AWS::IAM::Role')) as {
    Properties: {
      RoleName: string;
      AssumeRolePolicyDocument: { Statement: Record<string, unknown>[] };
      Policies: {
        PolicyName: string;
        PolicyDocument: { Statement: { Action: unknown; Resource: unknown; Effect: string }[] };
      }[];
      ManagedPolicyArns?: unknown;
    };
  }[];
}

describe('CI/CD roles stack (R12.3, R12.4)', () => {
  it('synthesizes one agenticai-cicd stack per account in us-east-1, cdk-nag clean', () => {
    expect(synth.synthError).toBeUndefined();
    const stacks = synth.stacks.filter((s) => s.stackName === 'agenticai-cicd');
    expect(stacks.map((s) => `${s.id} ${s.account} ${s.region}`).sort()).toEqual([
      'agenticai-cicd-222222222222 222222222222 us-east-1',
      'agenticai-cicd-333333333333 333333333333 us-east-1',
    ]);
    expect(synth.violations()).toEqual([]);
  });

  it("creates GitHub's OIDC provider with the STS audience", () => {
    for (const account of ['222222222222', '333333333333']) {
      cicd(account).resourceCountIs('AWS::IAM::OIDCProvider', 1);
      cicd(account).hasResourceProperties('AWS::IAM::OIDCProvider', {
        Url: 'https://token.actions.githubusercontent.com',
        ClientIdList: ['sts.amazonaws.com'],
      });
    }
  });

  it('R12.3 R12.4 each deploy role trusts only its own GitHub environment of the configured repository', () => {
    for (const [account, env] of [
      ['222222222222', 'staging'],
      ['333333333333', 'production'],
    ] as const) {
      const all = roles(cicd(account));
      // Only the environment in this account: production's role never exists in staging's account.
      expect(all.map((r) => r.Properties.RoleName)).toEqual([deployRoleName(env)]);
      const trust = all[0]!.Properties.AssumeRolePolicyDocument.Statement;
      expect(trust).toEqual([
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: { Ref: expect.stringMatching(/^GithubOidc/) } },
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': `repo:acme-corp/agenticai:environment:${env}`,
            },
          },
        },
      ]);
      expect(JSON.stringify(trust)).not.toContain('StringLike');
    }
  });

  it('R12.3 a deploy role may only assume the CDK bootstrap roles of its region and us-east-1', () => {
    const [role] = roles(cicd('222222222222'));
    expect(role!.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role!.Properties.Policies.map((p) => p.PolicyName).sort()).toEqual([
      'assume-cdk-bootstrap-roles',
      'canary-and-rollback',
    ]);
    const statements = role!.Properties.Policies.filter(
      (p) => p.PolicyName === 'assume-cdk-bootstrap-roles',
    ).flatMap((p) => p.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Effect).toBe('Allow');
    expect(statements[0]!.Action).toBe('sts:AssumeRole');
    // The stack's region is known, so the partition is a literal.
    const resources = statements[0]!.Resource as string[];
    const expected = ['eu-west-1', 'us-east-1'].flatMap((region) =>
      ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(
        (kind) => `arn:aws:iam::222222222222:role/cdk-hnb659fds-${kind}-role-222222222222-${region}`,
      ),
    );
    expect(resources.sort()).toEqual(expected.sort());
  });

  it("R11.5 R12.3 production's deploy role may also assume the bootstrap roles of its second canary region", () => {
    const [role] = roles(cicd('333333333333'));
    const statement = role!.Properties.Policies.find((p) => p.PolicyName === 'assume-cdk-bootstrap-roles')!
      .PolicyDocument.Statement[0]!;
    const regions = new Set(
      (statement.Resource as string[]).map((arn) => arn.split('-role-333333333333-')[1]),
    );
    // eu-west-1's default second canary region (infra/environments.ts) deploys a stack of its own.
    expect([...regions].sort()).toEqual(['eu-central-1', 'eu-west-1', 'us-east-1']);
  });

  it("R12.5 R12.3 besides, it runs the canary and the rollback on its own environment's resources only", () => {
    const [role] = roles(cicd('333333333333'));
    expect(role!.Properties.RoleName).toBe(deployRoleName('production'));
    const statements = role!.Properties.Policies.filter(
      (p) => p.PolicyName === 'canary-and-rollback',
    ).flatMap((p) => p.PolicyDocument.Statement);
    const at = (service: string, resource: string) => `arn:aws:${service}:eu-west-1:333333333333:${resource}`;
    expect(statements.map(({ Action, Resource, Effect }) => ({ Action, Resource, Effect }))).toEqual([
      {
        Action: ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'],
        Resource: at('cloudformation', 'stack/agenticai-production/*'),
        Effect: 'Allow',
      },
      {
        Action: 'secretsmanager:GetSecretValue',
        Resource: at('secretsmanager', 'secret:agenticai/production/canary-api-key-??????'),
        Effect: 'Allow',
      },
      {
        Action: ['lambda:GetAlias', 'lambda:ListVersionsByFunction', 'lambda:UpdateAlias'],
        Resource: at('lambda', 'function:agenticai-production-*'),
        Effect: 'Allow',
      },
      {
        Action: 'codedeploy:ListDeploymentGroups',
        Resource: at('codedeploy', 'application:agenticai-production'),
        Effect: 'Allow',
      },
      {
        Action: 'codedeploy:ListDeployments',
        Resource: at('codedeploy', 'deploymentgroup:agenticai-production/*'),
        Effect: 'Allow',
      },
    ]);
  });

  it('outputs each role ARN for the GitHub environment variable', () => {
    const outputs = cicd('222222222222').findOutputs('*');
    expect(Object.values(outputs).map((o) => o.Description)).toEqual([
      'AWS_DEPLOY_ROLE_ARN of the GitHub environment staging',
    ]);
  });
});

describe('GitHub repository configuration', () => {
  it('is absent without the variables, and a placeholder offline (npm run synth)', () => {
    expect(loadGithub({})).toBeUndefined();
    expect(loadGithub({}, { offline: true })).toEqual(PLACEHOLDER_GITHUB);
    expect(loadGithub({ AGENTICAI_GITHUB_OWNER: 'acme', AGENTICAI_GITHUB_REPO: 'svc' })).toEqual({
      owner: 'acme',
      repo: 'svc',
    });
  });

  it('refuses one variable without the other, and invalid names, naming the variable', () => {
    expect(() => loadGithub({ AGENTICAI_GITHUB_OWNER: 'acme' })).toThrow(
      new InfraConfigError(
        'set both AGENTICAI_GITHUB_OWNER and AGENTICAI_GITHUB_REPO (missing AGENTICAI_GITHUB_REPO)',
      ),
    );
    expect(() => loadGithub({ AGENTICAI_GITHUB_OWNER: 'acme/x', AGENTICAI_GITHUB_REPO: 'svc' })).toThrow(
      /owner: must be a GitHub user or organization name/,
    );
    // A wildcard would widen the trust to every repository: refused.
    expect(() => loadGithub({ AGENTICAI_GITHUB_OWNER: 'acme', AGENTICAI_GITHUB_REPO: '*' })).toThrow(
      /repo: must be a GitHub repository name/,
    );
    expect(() =>
      loadGithub({
        AGENTICAI_GITHUB_OWNER: 'acme',
        AGENTICAI_GITHUB_REPO: 'svc',
        AGENTICAI_GITHUB_OIDC_PROVIDER_ARN: 'arn:aws:iam::111111111111:oidc-provider/example.com',
      }),
    ).toThrow(/existingOidcProviderArn/);
  });

  it('reuses an existing provider when its ARN is given (an account holds one per issuer)', () => {
    const reuse = synthesizeFromEnv({
      ...ENV,
      AGENTICAI_ENVIRONMENTS: 'staging',
      AGENTICAI_GITHUB_OIDC_PROVIDER_ARN:
        'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com',
    });
    try {
      const template = reuse.templates['agenticai-cicd']!;
      template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Principal: {
                Federated: 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com',
              },
            }),
          ],
        },
      });
    } finally {
      reuse.cleanup();
    }
  }, 300_000);
});
