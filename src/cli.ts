#!/usr/bin/env node
/**
 * The `handover-kit` command:
 *   handover-kit gateway [--config <file>]                   run the handover gateway
 *   handover-kit playground [--no-open]                      the gateway with the playground (a browser opens)
 *   handover-kit providers list|get|add|update|rm|test|export|import|types   manage providers
 * Run `handover-kit help` for the options and environment variables.
 */
import { runCli } from './gateway/cli';

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
