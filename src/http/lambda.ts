import { handle } from 'hono/aws-lambda';
import { createAwsHttpApp } from '../composition/aws.ts';

/** Lambda entry point (API Gateway REST proxy integration): the same pipeline as the local server. */
const { app, coldStart } = createAwsHttpApp();
const serve = handle(app);

export const handler: typeof serve = (event, context) => {
  coldStart();
  return serve(event, context);
};
