export { ExitCode } from './exit-code';
export { formatTable, type TableOptions } from './format-table';
export { parseDuration } from './parse-duration';
export { EXIT_CODES_HELP, processIo, runCli, runMain, type CliInvocation, type CliIo, type CliSpec, type ParsedValues } from './run-cli';
export { isUsageError, UsageError } from './usage-error';
