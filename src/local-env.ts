/**
 * Local entry points run on the developer's Node (20 is supported here); the AWS SDK's notice that
 * future releases need Node 22 is for maintainers, not for every CLI call. Lambda runs Node 22+.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
