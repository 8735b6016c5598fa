import { handle } from 'hono/aws-lambda';
import { createAwsHttpApp } from '../composition/aws.ts';

/** Lambda entry point (API Gateway REST proxy integration): the same pipeline as the local server. */
export const handler = handle(createAwsHttpApp());
