import { handle } from 'hono/aws-lambda';
import { createAwsHttpApp } from '../composition/aws.ts';
import { isContentTypeBinary } from '../http/lambda-body.ts';

/**
 * Lambda entry point (API Gateway REST proxy integration): the same pipeline as the local server.
 * Text responses (Markdown and YAML artifacts included) go out as text; see lambda-body.ts.
 */
const { app, coldStart } = createAwsHttpApp();
const serve = handle(app, { isContentTypeBinary });

export const handler: typeof serve = (event, context) => {
  coldStart();
  return serve(event, context);
};
