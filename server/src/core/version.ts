/** @file Name and version the outputs report; kept in step with package.json by a test. */
export const TOOL_NAME = 'mm-review';
export const TOOL_VERSION = '0.1.0';
