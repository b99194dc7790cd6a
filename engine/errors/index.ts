export * from './errors.js';
export { errorClassInfo, renderErrorMessage, type ErrorClassInfo } from './error-classes.js';
