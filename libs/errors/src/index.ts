export { CjoError, toCjoError, isRetriable } from './cjo-error';
