import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  type CfnRestApi,
  DomainName,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface SecureRestApiProps {
  name: string;
  /** The function (alias) every request goes to: the application does auth and routing. */
  handler: IFunction;
  stageName: string;
  /** Stage throttling. Defaults 1000 rps, burst 2000. */
  throttleRateLimit?: number;
  throttleBurstLimit?: number;
  customDomain?: { domainName: string; certificateArn: string };
  /** What happens to the access and execution logs when the stack goes. Default DESTROY. */
  logRemovalPolicy?: RemovalPolicy;
}

/** TLS 1.2+ on the default endpoint (SPEC §6); the legacy default allows TLS 1.0. */
export const API_SECURITY_POLICY = 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09';

const errorTemplate = (code: string) =>
  JSON.stringify({
    error: { code, message: '$context.error.messageString', requestId: '$context.requestId' },
  });

/**
 * A regional REST API (WAF-capable) proxying to a Lambda alias, with JSON access logs, ERROR
 * execution logs without data trace, X-Ray, stage throttling, gateway errors in the API's JSON
 * shape, and a TLS 1.2+ security policy; optionally a custom domain with the default endpoint off.
 */
export class SecureRestApi extends Construct {
  readonly api: RestApi;
  readonly accessLogs: LogGroup;
  readonly executionLogs: LogGroup;
  readonly domain?: DomainName;

  constructor(scope: Construct, id: string, props: SecureRestApiProps) {
    super(scope, id);
    const removalPolicy = props.logRemovalPolicy ?? RemovalPolicy.DESTROY;
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy });
    this.api = new RestApi(this, 'Api', {
      restApiName: props.name,
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // The account stack owns the API Gateway CloudWatch role (one per region).
      cloudWatchRole: false,
      disableExecuteApiEndpoint: props.customDomain !== undefined,
      deployOptions: {
        stageName: props.stageName,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        // Per-method detailed metrics are billed as custom metrics and used by no alarm or widget.
        metricsEnabled: false,
        throttlingRateLimit: props.throttleRateLimit ?? 1000,
        throttlingBurstLimit: props.throttleBurstLimit ?? 2000,
      },
    });
    const cfnApi = this.api.node.defaultChild as CfnRestApi;
    cfnApi.addPropertyOverride('SecurityPolicy', API_SECURITY_POLICY);
    cfnApi.addPropertyOverride('EndpointAccessMode', 'STRICT');

    // API Gateway would create this group itself with no expiry; create it first, retained 30 days.
    this.executionLogs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${props.stageName}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    this.api.deploymentStage.node.addDependency(this.executionLogs);

    const integration = new LambdaIntegration(props.handler, { proxy: true });
    this.api.root.addMethod('ANY', integration);
    this.api.root.addProxy({ defaultIntegration: integration, anyMethod: true });

    this.api.addGatewayResponse('Default4xx', {
      type: ResponseType.DEFAULT_4XX,
      templates: { 'application/json': errorTemplate('gateway_rejected') },
    });
    this.api.addGatewayResponse('Default5xx', {
      type: ResponseType.DEFAULT_5XX,
      templates: { 'application/json': errorTemplate('gateway_error') },
    });
    this.api.addGatewayResponse('Throttled', {
      type: ResponseType.THROTTLED,
      statusCode: '429',
      templates: { 'application/json': errorTemplate('throttled') },
    });

    if (props.customDomain) {
      this.domain = new DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
        mapping: this.api,
      });
    }

    const reason = {
      auth: "Authentication is the application's API-key check (SPEC R1 correction: API Gateway keys cannot answer 401/403 as required); every route, /health included, requires X-API-Key.",
    };
    for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4'])
      Validations.of(this.api).acknowledge({ id, reason: reason.auth });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'The proxy integration validates requests in the application with zod (400 with field details); a gateway validator would answer in a different error shape.',
    });
  }
}
